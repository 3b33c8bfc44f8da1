import { createHmac } from 'node:crypto';
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

export type AsymmetricAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

export interface SigningKey {
  alg: AsymmetricAlgorithm;
  kid: string;
  privateKey: CryptoKey;
  /** The public half as a JWK, with `kid`, `alg` and `use`, ready for a JWKS. */
  publicJwk: JWK;
  /** The public half as a PEM (SPKI). */
  publicPem: string;
}

/** A fresh key pair, as an identity provider would have. */
export async function createSigningKey(alg: AsymmetricAlgorithm, kid: string = `${alg}-${randomId()}`) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) } satisfies SigningKey;
}

export interface TokenOptions {
  issuer?: string;
  audience?: string | string[];
  subject?: string;
  /** Seconds from now; negative for an expired token. Default 300. */
  expiresIn?: number;
  /** Seconds from now before which the token is not valid. */
  notBefore?: number;
  /** Leave `exp` out. */
  noExpiry?: boolean;
  /** Leave `iat` out. */
  noIssuedAt?: boolean;
  /** Overrides the header's `kid`. */
  kid?: string;
}

const now = () => Math.floor(Date.now() / 1000);

function claimsOf(claims: JWTPayload, options: TokenOptions): JWTPayload {
  return {
    sub: options.subject ?? 'user-1',
    ...(options.noIssuedAt ? {} : { iat: now() }),
    ...(options.noExpiry ? {} : { exp: now() + (options.expiresIn ?? 300) }),
    ...(options.issuer === undefined ? {} : { iss: options.issuer }),
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    ...(options.notBefore === undefined ? {} : { nbf: now() + options.notBefore }),
    ...claims,
  };
}

/** A token signed with the key, as the identity provider issues it. */
export function signToken(
  key: SigningKey,
  claims: JWTPayload = {},
  options: TokenOptions = {},
): Promise<string> {
  return new SignJWT(claimsOf(claims, options))
    .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

/** An HS256 token signed with a shared secret (or anything used as one). */
export function signHs256(secret: string, claims: JWTPayload = {}, options: TokenOptions = {}): string {
  return compact({ alg: 'HS256', typ: 'JWT' }, claimsOf(claims, options), (input) =>
    createHmac('sha256', secret).update(input).digest('base64url'),
  );
}

/** `alg: none`: no signature at all, which must never be accepted. */
export function unsignedToken(claims: JWTPayload = {}, options: TokenOptions = {}): string {
  return compact({ alg: 'none', typ: 'JWT' }, claimsOf(claims, options), () => '');
}

/** Replaces the payload of a signed token, keeping its header and signature (a tampered token). */
export function tamper(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode(claims)}.${signature}`;
}

function compact(header: object, claims: JWTPayload, sign: (input: string) => string): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${sign(input)}`;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}

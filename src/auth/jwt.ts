import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { FastifyBaseLogger } from 'fastify';
import type { AuthConfig } from '../config/auth-schema.js';
import { CredentialRejected, bearerChallenge } from './auth-error.js';
import { principalFromClaims } from './jwt-claims.js';
import { KeysUnavailable, keyResolverFor, type IssuerConfig } from './jwt-keys.js';
import type { AuthenticatedPrincipal } from './principal.js';

export type JwtConfig = NonNullable<AuthConfig['jwt']>;

export interface JwtVerifier {
  /** The principal a token proves, or a {@link CredentialRejected} with a general reason. */
  verify(token: string): Promise<AuthenticatedPrincipal>;
}

interface TrustedIssuer {
  config: IssuerConfig;
  keys: JWTVerifyGetKey;
}

/**
 * Verifies tokens from the configured issuers. The issuer is chosen by the token's (unverified)
 * `iss`, and everything else is checked against that issuer's settings: its keys, its
 * `algorithms` (which is what stops `alg: none` and RS/HS key confusion), its audience and clock
 * tolerance. Tokens must carry `exp`.
 */
export async function createJwtVerifier(config: JwtConfig, log: FastifyBaseLogger): Promise<JwtVerifier> {
  const issuers = new Map<string, TrustedIssuer>();
  for (const issuer of config.issuers) {
    if (issuers.has(issuer.issuer)) continue;
    issuers.set(issuer.issuer, { config: issuer, keys: await keyResolverFor(issuer, log) });
  }
  return {
    async verify(token) {
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch (error) {
        throw rejected('malformed token', error);
      }
      const trusted = typeof iss === 'string' ? issuers.get(iss) : undefined;
      if (trusted === undefined) throw rejected('token issuer not trusted');
      const { config: issuer, keys } = trusted;
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: issuer.issuer,
          algorithms: issuer.algorithms,
          clockTolerance: issuer.clockToleranceSec,
          requiredClaims: ['exp'],
          ...(issuer.audience === undefined ? {} : { audience: issuer.audience }),
          ...(issuer.maxTokenAgeSec === undefined ? {} : { maxTokenAge: issuer.maxTokenAgeSec }),
        });
        if (issuer.maxTokenAgeSec !== undefined) checkLifetime(payload, issuer.maxTokenAgeSec);
        return {
          ...principalFromClaims(payload, issuer.claims),
          credential: jwtCredential(token),
        };
      } catch (error) {
        if (error instanceof CredentialRejected) throw error;
        throw rejected(reasonFor(error), error);
      }
    },
  };
}

/**
 * With `maxTokenAgeSec`, jose has checked that `iat` is present and recent; a token must also not
 * outlive that age, or a token minted now could expire centuries from now.
 */
function checkLifetime(payload: JWTPayload, maxTokenAgeSec: number): void {
  const { iat, exp } = payload;
  if (typeof iat === 'number' && typeof exp === 'number' && exp - iat > maxTokenAgeSec) {
    throw rejected('token lifetime too long');
  }
}

/** The principal's `credential` for a token it was proved by. */
export function jwtCredential(token: string): string {
  return `jwt:${createHash('sha256').update(token).digest('base64url')}`;
}

/** The general reason a client is told; jose's own message stays in the debug log. */
export function reasonFor(error: unknown): string {
  if (error instanceof KeysUnavailable) return 'token keys unavailable';
  const { code, claim, reason } = (error ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iat' && reason === 'missing') return 'token has no issue time';
      if (claim === 'nbf' || claim === 'iat') return 'token not yet valid';
      if (claim === 'aud') return 'token audience not accepted';
      if (claim === 'iss') return 'token issuer not trusted';
      if (claim === 'exp' && reason === 'missing') return 'token has no expiry';
      return 'malformed token';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'invalid token signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'token algorithm not accepted';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown token signing key';
    default:
      return 'malformed token';
  }
}

function rejected(reason: string, cause?: unknown): CredentialRejected {
  return new CredentialRejected(reason, { cause, challenge: bearerChallenge(reason) });
}

/**
 * The token a request carries: `Bearer <token>` in the configured header (another scheme in
 * `authorization` is not a JWT, and is left to the authorizer), else the configured cookie.
 */
export function readToken(headers: IncomingHttpHeaders, config: JwtConfig): string | undefined {
  const name = config.header.toLowerCase();
  const header = headers[name];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value.trim() !== '') {
    // Whatever follows "Bearer" is the token, even if it is empty or mangled: it is refused as malformed.
    const bearer = /^\s*bearer(?:\s+|$)(.*)$/is.exec(value);
    if (bearer !== null) return bearer[1]?.trim() ?? '';
    if (name !== 'authorization') return value.trim();
  }
  if (config.cookie === undefined) return undefined;
  return readCookie(headers.cookie, config.cookie);
}

export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1 || pair.slice(0, separator).trim() !== name) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded: used as it is.
    }
    return value === '' ? undefined : value;
  }
  return undefined;
}

import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  importSPKI,
  type CryptoKey,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTVerifyGetKey,
} from 'jose';
import type { FastifyBaseLogger } from 'fastify';
import type { AuthConfig } from '../config/auth-schema.js';
import { UserFacingError } from '../errors.js';
import { readFetchBody } from '../read-limited.js';

export type IssuerConfig = NonNullable<AuthConfig['jwt']>['issuers'][number];

/** Time allowed for one JWKS fetch; a dead endpoint gives a clear 401 after at most this long. */
export const JWKS_TIMEOUT_MS = 2_000;
/** At most one fetch per issuer in this window, however many unknown `kid`s arrive. */
export const JWKS_COOLDOWN_MS = 5_000;
/** How long keys are reused when the JWKS response has no `Cache-Control: max-age`. */
export const JWKS_DEFAULT_MAX_AGE_MS = 10 * 60_000;
const JWKS_MAX_AGE_LIMIT_MS = 24 * 60 * 60_000;

/** The issuer's keys could not be obtained (JWKS endpoint down, slow or answering nonsense). */
export class KeysUnavailable extends Error {
  constructor(cause: unknown) {
    super('token keys unavailable', { cause });
    this.name = 'KeysUnavailable';
  }
}

/** Builds the key resolver for one issuer; reads and checks local keys now, so a bad file fails at boot. */
export async function keyResolverFor(issuer: IssuerConfig, log: FastifyBaseLogger): Promise<JWTVerifyGetKey> {
  if (issuer.jwksUrl !== undefined) {
    return remoteKeys(new URL(issuer.jwksUrl), issuer.issuer, issuer.jwksMaxResponseBytes, log);
  }
  if (issuer.jwksFile !== undefined) return localKeys(issuer.jwksFile, issuer.issuer);
  if (issuer.secret !== undefined) {
    const secret = new TextEncoder().encode(issuer.secret);
    return async () => secret;
  }
  if (issuer.publicKey !== undefined) return publicKeyResolver(issuer);
  throw new UserFacingError(`auth.jwt issuer ${issuer.issuer} has no key source`);
}

function localKeys(file: string, issuer: string): JWTVerifyGetKey {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
    const resolver = createLocalJWKSet(jwks);
    return (header, token) => resolver(header, token);
  } catch (error) {
    throw new UserFacingError(
      `Cannot read the JWKS file of issuer ${issuer} (${file}): ${(error as Error).message}`,
    );
  }
}

async function publicKeyResolver(issuer: IssuerConfig): Promise<JWTVerifyGetKey> {
  const source = issuer.publicKey ?? '';
  let pem = source;
  if (!source.includes('-----BEGIN')) {
    try {
      pem = readFileSync(source, 'utf8');
    } catch (error) {
      throw new UserFacingError(
        `Cannot read the public key of issuer ${issuer.issuer} (${source}): ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  }
  // A PEM key is imported once per accepted algorithm; jose refuses an algorithm the key cannot do.
  const keys = new Map<string, CryptoKey>();
  for (const algorithm of issuer.algorithms) {
    try {
      keys.set(algorithm, await importSPKI(pem, algorithm));
    } catch (error) {
      throw new UserFacingError(
        `The public key of issuer ${issuer.issuer} cannot verify ${algorithm}: ${(error as Error).message}`,
      );
    }
  }
  return async (header) => {
    const key = keys.get(header.alg);
    // Unreachable: jose checks the algorithm against the same list before asking for a key.
    if (key === undefined) throw new Error(`no key for ${header.alg}`);
    return key;
  };
}

/**
 * Keys from a JWKS URL. jose caches them, refetches on an unknown `kid` (at most once per
 * cooldown) and times the fetch out. On top of that the response's `Cache-Control: max-age` sets
 * when the keys are refreshed, in the background, while the keys already known keep verifying: an
 * endpoint that goes down after the first fetch does not stop tokens signed with known keys.
 * jose reads the whole body it is given, so it gets a copy read here up to `maxBytes`: a larger
 * JWKS fails the fetch (the connection is closed), as an endpoint that is down does.
 */
function remoteKeys(url: URL, issuer: string, maxBytes: number, log: FastifyBaseLogger): JWTVerifyGetKey {
  let refreshAt = 0;
  const fetchJwks = async (resource: string, options: RequestInit): Promise<Response> => {
    const response = await fetch(resource, options);
    const { status, statusText, headers } = response;
    if (status !== 200) {
      // jose refuses anything but 200 without reading it.
      await response.body?.cancel();
      return new Response(null, { status, statusText, headers });
    }
    const body = await readFetchBody(response, maxBytes);
    refreshAt = Date.now() + maxAgeOf(headers.get('cache-control'));
    return new Response(body.toString('utf8'), { status, statusText, headers });
  };
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
    // Freshness is decided here from Cache-Control; jose's own expiry is only the outer bound.
    cacheMaxAge: JWKS_MAX_AGE_LIMIT_MS,
    [customFetch]: fetchJwks,
  });

  const refreshInBackground = () => {
    refreshAt = Date.now() + JWKS_COOLDOWN_MS;
    remote.reload().catch((error: unknown) => {
      log.warn({ issuer, err: describe(error) }, 'JWKS refresh failed; still using the keys fetched before');
    });
  };

  // Fetch once at start so that the first request does not wait and a bad URL shows in the log.
  remote.reload().catch((error: unknown) => {
    log.warn({ issuer, err: describe(error) }, 'JWKS could not be fetched at start; will retry on demand');
  });

  return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (remote.jwks() !== undefined && Date.now() >= refreshAt && !remote.reloading) refreshInBackground();
    try {
      return await remote(header, token);
    } catch (error) {
      if (isKeySelectionError(error)) throw error;
      throw new KeysUnavailable(error);
    }
  };
}

/** `max-age` (or `s-maxage`) in ms, kept between the cooldown and a day; the default without one. */
export function maxAgeOf(cacheControl: string | null): number {
  if (cacheControl === null) return JWKS_DEFAULT_MAX_AGE_MS;
  if (/(?:^|,)\s*(?:no-cache|no-store)\b/i.test(cacheControl)) return JWKS_COOLDOWN_MS;
  const match = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)/i.exec(cacheControl);
  if (match?.[1] === undefined) return JWKS_DEFAULT_MAX_AGE_MS;
  return Math.min(Math.max(Number(match[1]) * 1000, JWKS_COOLDOWN_MS), JWKS_MAX_AGE_LIMIT_MS);
}

function isKeySelectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

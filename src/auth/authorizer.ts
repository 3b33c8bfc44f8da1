import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { request } from 'undici';
import type { AuthConfig } from '../config/auth-schema.js';
import { readUndiciBody } from '../read-limited.js';
import { AuthorizerUnavailable, authorizerUnavailableError } from './auth-error.js';
import { toSet } from './jwt-claims.js';
import { ANONYMOUS, type AuthenticatedPrincipal, type Principal } from './principal.js';
import { TtlCache } from './ttl-cache.js';

export type AuthorizerConfig = NonNullable<AuthConfig['authorizer']>;

/** `allow: true` without a principal in the answer lets the request through as anonymous. */
export type AuthorizerDecision = { allow: true; principal: Principal } | { allow: false };

export interface AuthorizerClient {
  /** Whether the request carries any of the headers sent to the authorizer; if not, it is not asked. */
  applies(headers: IncomingHttpHeaders): boolean;
  /** Asks (or remembers) whether these headers are let in, and as whom. */
  identify(headers: IncomingHttpHeaders): Promise<AuthorizerDecision>;
  /** Asks which of the named `@policy` policies the principal satisfies; a name left out is false. */
  checkPolicies(
    policies: readonly string[],
    principal: Principal,
    headers: IncomingHttpHeaders,
  ): Promise<Record<string, boolean>>;
}

const CACHE_ENTRIES = 10_000;
/** What the decision cache may hold in all, as {@link approximateBytes} counts it. */
const CACHE_BYTES = 16 * 1024 * 1024;

/**
 * The external authorizer, like an AWS Lambda authorizer: POST
 * `{ headers, policies?, principal? }`, answered by `{ allow, principal?, policies? }` (a 401 or
 * 403 status also means deny). A decision is cached for `cacheTtlMs` under a hash of everything the
 * authorizer was sent (every configured header, and for policies the principal, its credential and
 * the policy names), within a byte budget; concurrent identical questions share one call. When the
 * authorizer fails (time out, refused, 5xx, an answer that is not one) the request is refused with
 * 503. With `failOpen` an identity question goes on as anonymous, and a policy question is denied.
 */
export function createAuthorizerClient(config: AuthorizerConfig, log?: FastifyBaseLogger): AuthorizerClient {
  const decisions = new TtlCache<AuthorizerAnswer>(CACHE_ENTRIES, config.cacheTtlMs, Date.now, CACHE_BYTES);
  const inFlight = new Map<string, Promise<AuthorizerAnswer>>();

  /**
   * One call per distinct question. The cache key is everything the authorizer is sent, plus the
   * credential that proved the principal, so a decision is only ever reused for exactly the
   * question it answered.
   */
  const ask = async (payload: AuthorizerPayload, credential: string | null) => {
    if (config.cacheTtlMs <= 0) return call(config, payload);
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([credential, payload]))
      .digest('base64url');
    const cached = decisions.get(cacheKey);
    if (cached !== undefined) return cached;
    let pending = inFlight.get(cacheKey);
    if (pending === undefined) {
      pending = call(config, payload)
        .then((answer) => {
          decisions.set(cacheKey, answer, config.cacheTtlMs, approximateBytes(answer));
          return answer;
        })
        .finally(() => inFlight.delete(cacheKey));
      inFlight.set(cacheKey, pending);
    }
    return pending;
  };

  /** Fails closed (503) unless `failOpen`; the caller then decides what an open failure means. */
  const failed = (error: unknown, what: string): void => {
    log?.warn({ err: describe(error), failOpen: config.failOpen }, `external authorizer failed (${what})`);
    if (!config.failOpen) throw new AuthorizerUnavailable({ cause: error });
  };

  return {
    applies: (headers) => config.headers.some((name) => headerValue(headers, name) !== undefined),

    async identify(headers) {
      const payload = { headers: selectHeaders(config, headers) };
      let answer: AuthorizerAnswer;
      try {
        answer = await ask(payload, null);
      } catch (error) {
        failed(error, 'identify');
        // failOpen: the request goes on as anonymous, which grants nothing a credential would.
        return { allow: true, principal: ANONYMOUS };
      }
      if (!answer.allow) return { allow: false };
      if (answer.principal === undefined) return { allow: true, principal: ANONYMOUS };
      // The headers the authorizer decided on are this principal's credential.
      return { allow: true, principal: { ...answer.principal, credential: credentialOf(payload) } };
    },

    async checkPolicies(policies, principal, headers) {
      const names = [...new Set(policies)].sort();
      const payload = {
        headers: selectHeaders(config, headers),
        policies: names,
        principal: describePrincipal(principal),
      };
      let answer: AuthorizerAnswer;
      try {
        answer = await ask(payload, principal.kind === 'authenticated' ? principal.credential : null);
      } catch (error) {
        failed(error, 'policies');
        // failOpen applies to identity only: a policy the authorizer could not confirm is denied.
        return Object.fromEntries(names.map((name) => [name, false]));
      }
      return Object.fromEntries(
        names.map((name) => [name, answer.allow && answer.policies?.[name] === true]),
      );
    },
  };
}

/**
 * For policies with `authorizer: true`: which of them the principal satisfies. The caller caches
 * the answer per request; across requests the authorizer's decision cache applies. When the
 * authorizer fails and `failOpen` is off, throws the 503 `AUTHORIZER_UNAVAILABLE` GraphQLError.
 */
export async function checkPolicies(
  policyNames: readonly string[],
  principal: Principal,
  context: { authorizer: AuthorizerClient; headers: IncomingHttpHeaders },
): Promise<Record<string, boolean>> {
  try {
    return await context.authorizer.checkPolicies(policyNames, principal, context.headers);
  } catch (error) {
    if (error instanceof AuthorizerUnavailable) throw authorizerUnavailableError();
    throw error;
  }
}

/** {@link checkPolicies} in the shape of the authorization plugin's `policyEvaluator` option. */
export function authorizerPolicyEvaluator(
  authorizer: AuthorizerClient,
): (
  policies: readonly string[],
  principal: Principal,
  context: { request: { headers: IncomingHttpHeaders } },
) => Promise<Record<string, boolean>> {
  return (policies, principal, { request }) =>
    checkPolicies(policies, principal, { authorizer, headers: request.headers });
}

type AuthorizerPayload = {
  headers: Record<string, string>;
  policies?: readonly string[];
  principal?: Record<string, unknown> | null;
};

interface AuthorizerAnswer {
  allow: boolean;
  principal: AuthorizerPrincipal | undefined;
  policies: Readonly<Record<string, boolean>> | undefined;
}

async function call(config: AuthorizerConfig, payload: Record<string, unknown>): Promise<AuthorizerAnswer> {
  const response = await request(config.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(config.timeoutMs),
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
  });
  if (response.statusCode === 401 || response.statusCode === 403) {
    await response.body.dump();
    return { allow: false, principal: undefined, policies: undefined };
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump();
    throw new Error(`the authorizer answered HTTP ${response.statusCode}`);
  }
  // Past `maxResponseBytes` (bytes, not characters) the connection is closed and the call fails.
  const text = (await readUndiciBody(response, config.maxResponseBytes)).toString('utf8');
  return parseAnswer(JSON.parse(text));
}

function parseAnswer(value: unknown): AuthorizerAnswer {
  if (!isRecord(value) || typeof value.allow !== 'boolean') {
    throw new Error('the authorizer answer has no boolean "allow"');
  }
  const policies = isRecord(value.policies)
    ? Object.fromEntries(Object.entries(value.policies).map(([name, ok]) => [name, ok === true]))
    : undefined;
  return {
    allow: value.allow,
    principal: value.allow ? parsePrincipal(value.principal) : undefined,
    policies,
  };
}

/** The principal an answer describes; its credential is the question's headers. */
type AuthorizerPrincipal = Omit<AuthenticatedPrincipal, 'credential'>;

function parsePrincipal(value: unknown): AuthorizerPrincipal | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.subject !== 'string' || value.subject === '') {
    throw new Error('the authorizer principal has no "subject"');
  }
  const tenant = value.tenant;
  return {
    kind: 'authenticated',
    source: 'authorizer',
    subject: value.subject,
    scopes: toSet(value.scopes),
    roles: toSet(value.roles),
    ...(typeof tenant === 'string' ? { tenant } : {}),
    claims: Object.freeze(isRecord(value.claims) ? { ...value.claims } : {}),
  };
}

function selectHeaders(config: AuthorizerConfig, headers: IncomingHttpHeaders): Record<string, string> {
  const selected: Record<string, string> = {};
  for (const name of config.headers) {
    const value = headerValue(headers, name);
    if (value !== undefined) selected[name] = value;
  }
  return selected;
}

/** A decision's heap size, roughly: two bytes a character of its JSON, plus the entry's overhead. */
function approximateBytes(answer: AuthorizerAnswer): number {
  const json = JSON.stringify(answer, (_key, value: unknown) => (value instanceof Set ? [...value] : value));
  return 2 * json.length + 256;
}

function credentialOf(payload: AuthorizerPayload): string {
  return `authorizer:${createHash('sha256').update(JSON.stringify(payload.headers)).digest('base64url')}`;
}

function describePrincipal(principal: Principal): Record<string, unknown> | null {
  if (principal.kind === 'anonymous') return null;
  return {
    source: principal.source,
    subject: principal.subject,
    scopes: [...principal.scopes],
    roles: [...principal.roles],
    ...(principal.tenant === undefined ? {} : { tenant: principal.tenant }),
    claims: principal.claims,
  };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === undefined || text === '' ? undefined : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

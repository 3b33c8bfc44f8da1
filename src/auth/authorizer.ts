import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { request } from 'undici';
import type { AuthConfig } from '../config/auth-schema.js';
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
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The external authorizer, like an AWS Lambda authorizer: POST
 * `{ headers, policies?, principal? }`, answered by `{ allow, principal?, policies? }` (a 401 or
 * 403 status also means deny). Decisions are cached by the `cacheKey` headers' values (hashed) for
 * `cacheTtlMs`, and concurrent identical questions share one call. When the authorizer fails (time
 * out, refused, 5xx, an answer that is not one) the request is refused with 503, or let through as
 * anonymous with `failOpen`.
 */
export function createAuthorizerClient(config: AuthorizerConfig, log?: FastifyBaseLogger): AuthorizerClient {
  const decisions = new TtlCache<AuthorizerAnswer>(CACHE_ENTRIES, config.cacheTtlMs);
  const inFlight = new Map<string, Promise<AuthorizerAnswer>>();

  const ask = async (cacheKey: string | undefined, payload: Record<string, unknown>) => {
    if (cacheKey === undefined) return call(config, payload);
    const cached = decisions.get(cacheKey);
    if (cached !== undefined) return cached;
    let pending = inFlight.get(cacheKey);
    if (pending === undefined) {
      pending = call(config, payload)
        .then((answer) => {
          decisions.set(cacheKey, answer);
          return answer;
        })
        .finally(() => inFlight.delete(cacheKey));
      inFlight.set(cacheKey, pending);
    }
    return pending;
  };

  const failed = (error: unknown, what: string): void => {
    log?.warn({ err: describe(error), failOpen: config.failOpen }, `external authorizer failed (${what})`);
    if (!config.failOpen) throw new AuthorizerUnavailable({ cause: error });
  };

  return {
    applies: (headers) => config.headers.some((name) => headerValue(headers, name) !== undefined),

    async identify(headers) {
      let answer: AuthorizerAnswer;
      try {
        answer = await ask(keyOf(config, headers, 'identify'), { headers: selectHeaders(config, headers) });
      } catch (error) {
        failed(error, 'identify');
        return { allow: true, principal: ANONYMOUS };
      }
      if (!answer.allow) return { allow: false };
      return { allow: true, principal: answer.principal ?? ANONYMOUS };
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
        answer = await ask(keyOf(config, headers, 'policies', principal, names), payload);
      } catch (error) {
        failed(error, 'policies');
        return Object.fromEntries(names.map((name) => [name, true]));
      }
      return Object.fromEntries(
        names.map((name) => [name, answer.allow && answer.policies?.[name] === true]),
      );
    },
  };
}

const clients = new WeakMap<AuthorizerConfig, AuthorizerClient>();

/** One client (one cache) per configured authorizer, shared by identity and `@policy` checks. */
export function authorizerFor(config: AuthorizerConfig, log?: FastifyBaseLogger): AuthorizerClient {
  let client = clients.get(config);
  if (client === undefined) {
    client = createAuthorizerClient(config, log);
    clients.set(config, client);
  }
  return client;
}

/**
 * For policies with `authorizer: true`: which of them the principal satisfies. The caller caches
 * the answer per request; across requests the authorizer's decision cache applies. When the
 * authorizer fails and `failOpen` is off, throws the 503 `AUTHORIZER_UNAVAILABLE` GraphQLError.
 */
export async function checkPolicies(
  policyNames: readonly string[],
  principal: Principal,
  context: { authorizer: AuthorizerConfig; headers: IncomingHttpHeaders; log?: FastifyBaseLogger },
): Promise<Record<string, boolean>> {
  try {
    return await authorizerFor(context.authorizer, context.log).checkPolicies(
      policyNames,
      principal,
      context.headers,
    );
  } catch (error) {
    if (error instanceof AuthorizerUnavailable) throw authorizerUnavailableError();
    throw error;
  }
}

/** {@link checkPolicies} in the shape of the authorization plugin's `policyEvaluator` option. */
export function authorizerPolicyEvaluator(
  authorizer: AuthorizerConfig,
  log?: FastifyBaseLogger,
): (
  policies: readonly string[],
  principal: Principal,
  context: { request: { headers: IncomingHttpHeaders } },
) => Promise<Record<string, boolean>> {
  return (policies, principal, { request }) =>
    checkPolicies(policies, principal, { authorizer, headers: request.headers, ...(log ? { log } : {}) });
}

interface AuthorizerAnswer {
  allow: boolean;
  principal: AuthenticatedPrincipal | undefined;
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
  const text = await response.body.text();
  if (text.length > MAX_ANSWER_BYTES) throw new Error('the authorizer answer is too large');
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

function parsePrincipal(value: unknown): AuthenticatedPrincipal | undefined {
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

/**
 * The decision cache key: a hash of the `cacheKey` headers' values (and, for policies, of who is
 * asking and for what). Undefined, so not cached, when none of those headers is present: such
 * requests would otherwise all share one decision.
 */
function keyOf(
  config: AuthorizerConfig,
  headers: IncomingHttpHeaders,
  kind: 'identify' | 'policies',
  principal?: Principal,
  policies?: readonly string[],
): string | undefined {
  if (config.cacheTtlMs <= 0) return undefined;
  const values = config.cacheKey.map((name) => headerValue(headers, name) ?? null);
  const who =
    principal?.kind === 'authenticated'
      ? [principal.source, principal.subject, principal.tenant ?? null, principal.keyId ?? null]
      : null;
  if (values.every((value) => value === null) && who === null) return undefined;
  return createHash('sha256')
    .update(JSON.stringify([kind, values, who, policies ?? null]))
    .digest('base64url');
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

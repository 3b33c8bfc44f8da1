import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyPrincipal } from '../auth/api-keys.js';
import type { AuthenticatedPrincipal } from '../auth/principal.js';
import type { TrafficConfig } from '../config/traffic-schema.js';
import { sendError } from '../edge/reply.js';
import { createTokenCheck, type RegistryToken } from '../registry/http-auth.js';
import { normalizeAddress } from '../security/ip-rules.js';
import type { ApiKeyRecord, ApiKeyRepository } from '../store/api-keys.js';
import type { CallerFacts } from './caller.js';
import { planOf } from './plans.js';
import { TrafficStoreUnavailable, type TrafficStore } from './store/types.js';
import { registerTopConsumersRoute } from './top-consumers-route.js';
import { usageReport, UsageQueryError, type UsageReport } from './usage-report.js';

/** Where operators (and `gatehouse keys usage`) read a caller's usage. */
export const USAGE_PATH = '/admin/usage';

export interface UsageRouteDeps {
  traffic: TrafficConfig;
  store: TrafficStore;
  /** The API keys (`resources.store?.apiKeys`); absent when the gateway has none (`auth.apiKeys`). */
  apiKeys: ApiKeyRepository | undefined;
  /** The admin tokens (`registry.tokens`). */
  tokens: readonly RegistryToken[];
  /** Production stages always need a token; others need one as soon as any is configured. */
  production: boolean;
  /** Adds `GET /admin/api/top-consumers` for the dashboard (`telemetry.dashboard.enabled`). */
  dashboard: boolean;
  /** Epoch milliseconds; the limiter's clock, so that both name the same periods. */
  clock?: () => number;
}

/** The usage report with what the query named, as `GET /admin/usage` answers it. */
export type UsageAnswer = UsageReport & {
  /** The API key asked about, when asked with `?key=`. */
  key?: { id: string; name: string };
};

const ID_PATTERN = /^[0-9a-f]{16}$/;
const MAX_VALUE = 256;
const CALLER_PARAMS = ['key', 'subject', 'tenant', 'ip', 'operation', 'plan'] as const;

/**
 * `GET /admin/usage?key=<id or name>` (or `?subject=`, `?tenant=`, `?ip=`, with `&plan=` and
 * `&operation=`): what the caller has used of each limit and what is left, behind the admin
 * token. The traffic plugin's `register` calls this; it also adds the dashboard's top consumers.
 */
export function registerUsageRoutes(app: FastifyInstance, deps: UsageRouteDeps): void {
  const clock = deps.clock ?? Date.now;
  const checkToken = createTokenCheck(deps.tokens);
  const tokenRequired = deps.production || deps.tokens.length > 0;
  const authorized = (request: FastifyRequest, reply: FastifyReply, what: string): boolean => {
    if (!tokenRequired) return true;
    const check = checkToken(request.headers.authorization);
    if (check.ok) return true;
    sendError(
      reply.header('www-authenticate', 'Bearer').header('cache-control', 'no-store'),
      'UNAUTHENTICATED',
      refusal(what, check.missing, deps.tokens.length > 0),
    );
    return false;
  };

  app.get(USAGE_PATH, async (request, reply) => {
    if (!authorized(request, reply, 'The usage report')) return reply;
    reply.header('cache-control', 'no-store');
    const query = readQuery(request.query);
    if (typeof query === 'string') return sendError(reply, 'BAD_REQUEST', query);
    if (query.plan !== undefined && !Object.hasOwn(deps.traffic.plans, query.plan)) {
      const known = Object.keys(deps.traffic.plans).join(', ') || 'none';
      return sendError(reply, 'BAD_REQUEST', `Unknown plan "${query.plan}"; plans: ${known}.`);
    }
    let record: ApiKeyRecord | undefined;
    if (query.key !== undefined) {
      if (deps.apiKeys === undefined)
        return sendError(
          reply,
          'NOT_FOUND',
          'This gateway has no API keys (auth.apiKeys is not configured).',
        );
      record = await findKey(deps.apiKeys, query.key);
      if (record === undefined)
        return sendError(reply, 'NOT_FOUND', `No API key has the id or name "${query.key}".`);
    }
    const principal = principalOf(query, record);
    const facts: CallerFacts = {
      principal,
      ip: query.ip ?? '',
      operationName: query.operation,
    };
    const plan = query.plan ?? planOf(principal, deps.traffic);
    try {
      const report = await usageReport(
        deps.traffic,
        deps.store,
        { facts, explicitIp: query.ip !== undefined, plan },
        clock(),
      );
      const answer: UsageAnswer =
        record === undefined ? report : { ...report, key: { id: record.id, name: record.name } };
      return reply.send(answer);
    } catch (error) {
      if (error instanceof UsageQueryError) return sendError(reply, 'BAD_REQUEST', error.message);
      if (error instanceof TrafficStoreUnavailable) {
        request.log.warn({ err: error }, 'usage report: the traffic store did not answer');
        return sendError(
          reply,
          'RATE_LIMIT_STORE_UNAVAILABLE',
          'The traffic store did not answer; try again.',
        );
      }
      throw error;
    }
  });

  if (deps.dashboard)
    registerTopConsumersRoute(app, {
      store: deps.store,
      timeZone: deps.traffic.timeZone,
      clock,
      // As the dashboard's own stats: a token in production stages only, so the page works alike.
      authorized: (request, reply) => !deps.production || authorized(request, reply, 'The top consumers'),
    });
}

type UsageQuery = Partial<Record<(typeof CALLER_PARAMS)[number], string>>;

/** The query's parameters, checked; or why they cannot be used. */
function readQuery(raw: unknown): UsageQuery | string {
  const params = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const query: UsageQuery = {};
  for (const [name, value] of Object.entries(params)) {
    if (!(CALLER_PARAMS as readonly string[]).includes(name))
      return `Unknown parameter "${name}"; expected ${CALLER_PARAMS.join(', ')}.`;
    if (typeof value !== 'string') return `?${name}= is given more than once.`;
    const text = value.trim();
    if (text === '' || text.length > MAX_VALUE) return `?${name}= must be 1 to ${MAX_VALUE} characters.`;
    query[name as keyof UsageQuery] = text;
  }
  if (
    query.key === undefined &&
    query.subject === undefined &&
    query.tenant === undefined &&
    query.ip === undefined
  )
    return 'Name the caller: ?key=<API key id or name>, ?subject=, ?tenant= or ?ip= (with &plan= for a plan other than its own).';
  if (query.key !== undefined && (query.subject !== undefined || query.tenant !== undefined))
    return '?key= names the caller already: it cannot be combined with ?subject= or ?tenant=.';
  if (query.ip !== undefined) {
    const address = normalizeAddress(query.ip);
    if (isIP(address) === 0) return `?ip=: "${query.ip}" is not an IP address.`;
    query.ip = address;
  }
  return query;
}

async function findKey(keys: ApiKeyRepository, idOrName: string): Promise<ApiKeyRecord | undefined> {
  const byId = ID_PATTERN.test(idOrName) ? await keys.findById(idOrName) : undefined;
  return byId ?? (await keys.findActiveByName(idOrName));
}

/** The principal the limiter would see for this caller: an API key's, or a subject and tenant. */
function principalOf(
  query: UsageQuery,
  record: ApiKeyRecord | undefined,
): AuthenticatedPrincipal | undefined {
  if (record !== undefined) return apiKeyPrincipal(record);
  if (query.subject === undefined && query.tenant === undefined) return undefined;
  return {
    kind: 'authenticated',
    source: 'jwt',
    // A tenant alone has no subject: a source that needs one then falls back to the IP.
    subject: query.subject ?? '',
    scopes: new Set(),
    roles: new Set(),
    claims: {},
    credential: 'usage-report',
    ...(query.tenant === undefined ? {} : { tenant: query.tenant }),
  };
}

function refusal(what: string, missing: boolean, anyTokens: boolean): string {
  if (!anyTokens)
    return `${what} needs an admin token, and none is configured (registry.tokens is empty): add one.`;
  if (missing) return `${what} needs an admin token: send the header "authorization: Bearer <token>".`;
  return 'The token is not an admin token of this gateway (registry.tokens).';
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { TrafficConfig } from '../config/traffic-schema.js';
import { sendError } from '../edge/reply.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { countedKey, type CallerFacts } from './caller.js';
import { planLimits, planOf, ruleLimit, type LimitPolicy } from './plans.js';
import { rateLimitHeaders, retryAfterSeconds } from './rate-headers.js';
import { createStoreGuard } from './store-guard.js';
import type { Admission, CounterWindow, LimitCheck, Ranking, TrafficStore } from './store/types.js';
import { useSubgraphLimits } from './subgraph-limits.js';
import { topConsumersBoard } from './top-consumers-route.js';
import { registerUsageRoutes, type UsageRouteDeps } from './usage-route.js';

export interface TrafficOptions {
  /** Where counters live (`openTrafficStore`); closed when the gateway stops. */
  store: TrafficStore;
  logger: Logger;
  /** Epoch milliseconds; injected by tests to cross calendar periods without waiting. */
  clock?: (() => number) | undefined;
  /** What `GET /admin/usage` and the top consumers need besides the store; without it, no routes. */
  usage?: Omit<UsageRouteDeps, 'traffic' | 'store' | 'clock'> | undefined;
}

/** The traffic plugin, and what the metrics read of it. */
export interface TrafficPlugin extends GatewayPlugin {
  /** Store calls that failed or timed out in this process so far. */
  storeErrors(): number;
}

/** A budget to charge with the response's actual cost, once it is known. */
interface PendingCharge {
  key: string;
  window: CounterWindow;
}

/** What a request is checked against at the edge: the plan's limits, then each gateway-level rule's. */
interface EdgeLimits {
  checks: LimitCheck[];
  policies: LimitPolicy[];
  /** Who is ranked among the top consumers. */
  member: string;
  budget?: PendingCharge;
}

/**
 * Traffic control at the edge: after identity, each request to /graphql is checked against its
 * caller's usage plan (rate, quota, cost budget) and the gateway-level rules in one atomic
 * `store.admit`, and refused with 429 (`RATE_LIMITED` or `COST_BUDGET_EXHAUSTED`, `Retry-After`
 * and the IETF `RateLimit` headers) when any is spent. A cost budget is checked before the request
 * and charged after it, with the response's actual cost from demand control. Rules with a
 * `subgraph:` limit calls to that subgraph instead (subgraph-limits.ts).
 */
export function useTraffic(traffic: TrafficConfig, options: TrafficOptions): TrafficPlugin {
  const { store, logger } = options;
  const clock = options.clock ?? Date.now;
  const guard = createStoreGuard({ timeoutMs: traffic.storeTimeoutMs, logger, what: store.kind });
  const failOpen = traffic.onStoreError === 'failOpen';
  const gatewayRules = traffic.rules.filter((rule) => rule.subgraph === undefined);
  const charges = new WeakMap<FastifyRequest, PendingCharge>();
  const warnedPlans = new Set<string>();
  const onUnknownPlan = (plan: string) => {
    if (warnedPlans.has(plan) || warnedPlans.size >= MAX_WARNED_PLANS) return;
    warnedPlans.add(plan);
    logger.warn(
      `traffic: a caller names the plan "${plan}", which is not configured; using the default plan`,
    );
  };

  const limitsOf = (request: FastifyRequest, now: number): EdgeLimits | undefined => {
    const amount = operationCount(request.body);
    const facts: CallerFacts = {
      principal: request.principal,
      ip: request.ip,
      operationName: operationNameOf(request),
      headers: request.headers,
    };
    const planName = planOf(request.principal, traffic, onUnknownPlan);
    const plan = planName === undefined ? undefined : traffic.plans[planName];
    const limits: EdgeLimits = { checks: [], policies: [], member: '' };
    if (planName !== undefined && plan !== undefined) {
      const key = countedKey(plan.key, facts);
      const { checks, policies } = planLimits(planName, plan, key, now, traffic.timeZone, amount);
      limits.checks.push(...checks);
      limits.policies.push(...policies);
      limits.member = key;
      const budget = checks.find((check) => check.kind === 'budget');
      if (budget?.kind === 'budget') limits.budget = { key: budget.key, window: budget.window };
    }
    for (const rule of gatewayRules) {
      const { check, policy } = ruleLimit(rule, countedKey(rule.key, facts), amount);
      limits.checks.push(check);
      limits.policies.push(policy);
    }
    if (limits.checks.length === 0) return undefined;
    if (limits.member === '') limits.member = countedKey(['auto'], facts);
    return limits;
  };

  // Today's top consumers, on the board the dashboard reads.
  const rankingOf = (member: string, now: number): Ranking => {
    const day = topConsumersBoard(now, traffic.timeZone);
    return { board: day.board, member, expiresAt: (day.endsAt ?? now) + RANKING_KEPT_MS };
  };

  const refuse = (reply: FastifyReply, limits: EdgeLimits, admission: Admission) => {
    const refused = limits.checks.flatMap((check, index) =>
      admission.outcomes[index]?.allowed === false ? [{ check, policy: limits.policies[index] }] : [],
    );
    // A spent budget is named only when nothing else refused: its wait is the longest.
    const budgetOnly = refused.every(({ check }) => check.kind === 'budget');
    const names = refused.map(({ policy }) => policy?.name ?? '').join(', ');
    const seconds = retryAfterSeconds(admission.outcomes);
    reply.header('retry-after', String(seconds));
    if (budgetOnly)
      return sendError(
        reply,
        'COST_BUDGET_EXHAUSTED',
        `The cost budget ${names} is spent for this period; retry in ${seconds} s.`,
      );
    return sendError(reply, 'RATE_LIMITED', `Too many requests: ${names} is spent; retry in ${seconds} s.`);
  };

  const plugin: GatewayPlugin = {
    name: 'traffic',
    edge: {
      async afterBody(request, reply) {
        if (request.routeOptions.url !== '/graphql' || request.method === 'OPTIONS') return;
        const now = clock();
        const limits = limitsOf(request, now);
        if (limits === undefined) return;
        const answer = await guard.run(() => store.admit(limits.checks, now, rankingOf(limits.member, now)));
        if (!answer.ok) {
          if (failOpen) return;
          return sendError(
            reply,
            'RATE_LIMIT_STORE_UNAVAILABLE',
            'The rate-limit store did not answer in time, and this gateway refuses requests meanwhile (traffic.onStoreError: failClosed).',
          );
        }
        const admission = answer.value;
        const headers = rateLimitHeaders(limits.policies, admission.outcomes);
        if (headers && (traffic.headers || !admission.allowed))
          reply
            .header('ratelimit-policy', headers['ratelimit-policy'])
            .header('ratelimit', headers.ratelimit);
        if (!admission.allowed) return refuse(reply, limits, admission);
        if (limits.budget) {
          charges.set(request, limits.budget);
          request.costWanted = true;
        }
      },
      async onSend(request, _reply, payload) {
        const charge = charges.get(request);
        const actual = request.actualCostTotal;
        // Nothing to charge without an actual cost (refused before running, demand control not told).
        if (charge === undefined || actual === undefined || !(actual > 0)) return payload;
        // Started before the response leaves and not awaited: the client does not wait for it, and
        // its next request reaches the store after it (one Redis connection keeps commands in order).
        void guard
          .run(() => store.charge(charge.key, actual, charge.window, clock()))
          .then((answer) => {
            if (!answer.ok) request.log.warn({ cost: actual }, 'traffic: a cost could not be charged');
          });
        return payload;
      },
    },
    readiness: () => ({ store: store.kind, ...guard.report() }),
    async dispose() {
      await store.close();
    },
  };
  const subgraphCall = useSubgraphLimits(traffic, { store, guard, clock });
  const { usage } = options;
  return {
    ...plugin,
    storeErrors: () => guard.report().errors,
    ...(subgraphCall ? { subgraphCall } : {}),
    ...(usage
      ? {
          register: (app) => registerUsageRoutes(app, { ...usage, traffic, store, clock }),
        }
      : {}),
  };
}

/** A ranking is kept a day past its period, so that yesterday's top consumers can still be read. */
const RANKING_KEPT_MS = 86_400_000;
/** Unknown plan names are warned about once each, up to this many (claims come from callers' tokens). */
const MAX_WARNED_PLANS = 100;

/** How many operations the request carries: a batch counts each. */
function operationCount(body: unknown): number {
  return Array.isArray(body) ? Math.max(1, body.length) : 1;
}

/** The operation's name, from the body (POST) or the query string (GET); a batch's names joined. */
function operationNameOf(request: FastifyRequest): string | undefined {
  const { body } = request;
  const items: unknown[] = Array.isArray(body) ? body : [body ?? request.query];
  const names = new Set<string>();
  for (const item of items) {
    const name =
      typeof item === 'object' && item !== null
        ? (item as Record<string, unknown>)['operationName']
        : undefined;
    if (typeof name === 'string' && name !== '') names.add(name);
  }
  return names.size === 0 ? undefined : [...names].join(',');
}

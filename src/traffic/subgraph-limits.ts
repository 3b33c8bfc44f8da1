import type { RuleConfig, TrafficConfig } from '../config/traffic-schema.js';
import { gatehouseError } from '../errors.js';
import type { SubgraphCall, SubgraphCallHook } from '../pipeline/plugin.js';
import { countedKey, type CallerFacts } from './caller.js';
import { ruleLimit } from './plans.js';
import { retryAfterSeconds } from './rate-headers.js';
import type { StoreGuard } from './store-guard.js';
import type { TrafficStore } from './store/types.js';

export interface SubgraphLimitsOptions {
  store: TrafficStore;
  guard: StoreGuard;
  clock: () => number;
}

/**
 * The rules with a `subgraph:` limit the calls to that subgraph. A call over its limit is not
 * made: it fails as a failed subgraph call does (as an open circuit breaker's), so its fields are
 * null with a RATE_LIMITED error and the rest of the response is served. It is installed with the
 * traffic plugin, ahead of retries and the circuit breaker, so a refused call is never retried nor
 * counted as the subgraph's failure.
 */
export function useSubgraphLimits(
  traffic: TrafficConfig,
  options: SubgraphLimitsOptions,
): SubgraphCallHook | undefined {
  const bySubgraph = new Map<string, RuleConfig[]>();
  for (const rule of traffic.rules) {
    if (rule.subgraph === undefined) continue;
    const rules = bySubgraph.get(rule.subgraph) ?? [];
    rules.push(rule);
    bySubgraph.set(rule.subgraph, rules);
  }
  if (bySubgraph.size === 0) return undefined;
  const { store, guard, clock } = options;
  const failOpen = traffic.onStoreError === 'failOpen';

  return async (call, next) => {
    const rules = bySubgraph.get(call.subgraph);
    if (rules === undefined) return next(call);
    const facts = factsOf(call);
    const limits = rules.map((rule) => ruleLimit(rule, countedKey(rule.key, facts)));
    const now = clock();
    const answer = await guard.run(() =>
      store.admit(
        limits.map(({ check }) => check),
        now,
      ),
    );
    if (!answer.ok) {
      if (failOpen) return next(call);
      throw gatehouseError(
        'RATE_LIMIT_STORE_UNAVAILABLE',
        `Subgraph "${call.subgraph}" was not called: the rate-limit store did not answer, and this gateway refuses meanwhile (traffic.onStoreError: failClosed).`,
        { serviceName: call.subgraph },
      );
    }
    const { allowed, outcomes } = answer.value;
    if (allowed) return next(call);
    const names = limits.flatMap(({ policy }, index) =>
      outcomes[index]?.allowed === false ? [policy.name] : [],
    );
    const seconds = retryAfterSeconds(outcomes);
    throw gatehouseError(
      'RATE_LIMITED',
      `Subgraph "${call.subgraph}" was not called: the rate limit ${names.join(', ')} is spent; retry in ${seconds} s.`,
      { serviceName: call.subgraph, retryAfter: seconds },
    );
  };
}

/** The client request the call is made for, as the counted key reads it. */
function factsOf(call: SubgraphCall): CallerFacts {
  const { request } = call.context;
  const body: unknown = request.body;
  const operationName =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)['operationName']
      : undefined;
  return {
    principal: request.principal,
    ip: request.ip,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    headers: request.headers,
  };
}

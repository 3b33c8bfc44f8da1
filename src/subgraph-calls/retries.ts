import { setTimeout as sleep } from 'node:timers/promises';
import { withOverrides, type RetriesConfig, type RetryPolicy } from '../config/resilience-schema.js';
import {
  failureOf,
  type SubgraphCall,
  type SubgraphCallNext,
  type SubgraphResponse,
} from '../execution/transport/subgraph-call.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { GatehouseContext } from '../request-context.js';

/** What the retries wait with; tests pass their own. */
export interface RetryClock {
  /** A number in [0, 1). */
  random(): number;
  sleep(ms: number): Promise<unknown>;
}

const REAL_CLOCK: RetryClock = { random: Math.random, sleep };

/** Gateway statuses that say "try again": the subgraph's proxy could not reach it, or it is overloaded. */
const RETRIED_STATUSES = new Set([502, 503, 504]);

/**
 * Retries of failed subgraph queries, as Hive Gateway's `useUpstreamRetry` and Apollo Router 1.x's
 * `traffic_shaping.…experimental_retry` had them: only queries (a mutation is never sent twice),
 * only when the subgraph could not have acted on the request or said it is overloaded (connection
 * failures, 502, 503, 504; timeouts if `onTimeout`), with jittered exponential backoff, and at most
 * `budgetPerRequest` retries for all the calls of one client request. Installed before the circuit
 * breaker, which then sees every try, and whose fail-fast answers are never retried. Not in the
 * plugin list unless some subgraph has retries enabled.
 */
export function useRetries(config: RetriesConfig, clock: RetryClock = REAL_CLOCK): GatewayPlugin | undefined {
  // A subgraph's policy, or null where retries are off.
  const common = config.all.enabled ? config.all : null;
  const bySubgraph = new Map(
    Object.entries(config.subgraphs).map(([name, override]): [string, RetryPolicy | null] => {
      const policy = withOverrides(config.all, override);
      return [name, policy.enabled ? policy : null];
    }),
  );
  const anyEnabled = common !== null || [...bySubgraph.values()].some((policy) => policy !== null);
  if (!anyEnabled || config.budgetPerRequest === 0) return undefined;
  // Retries spent so far by each client request; gone with the request.
  const spent = new WeakMap<GatehouseContext, number>();

  async function callWithRetries(
    call: SubgraphCall,
    next: SubgraphCallNext,
    policy: RetryPolicy,
  ): Promise<SubgraphResponse> {
    for (let retry = 1; ; retry++) {
      try {
        return await next(call);
      } catch (error) {
        if (retry > policy.maxRetries || !isRetryable(error, policy)) throw error;
        const used = spent.get(call.context) ?? 0;
        if (used >= config.budgetPerRequest) throw error;
        spent.set(call.context, used + 1);
        await clock.sleep(backoffDelay(retry, policy, clock.random()));
      }
    }
  }

  return {
    name: 'retries',
    subgraphCall(call, next) {
      const own = bySubgraph.get(call.subgraph);
      const policy = own === undefined ? common : own;
      if (policy === null || call.kind !== 'query') return next(call);
      return callWithRetries(call, next, policy);
    },
  };
}

/** Whether a failed call may be sent again: it failed before the subgraph could act on it, or with "try again". */
export function isRetryable(error: unknown, policy: Pick<RetryPolicy, 'onTimeout'>): boolean {
  const failure = failureOf(error);
  switch (failure?.kind) {
    case 'connection':
      return true;
    case 'status':
      return RETRIED_STATUSES.has(failure.status);
    case 'timeout':
      return policy.onTimeout;
    default:
      return false;
  }
}

/**
 * The wait before the `retry`th retry (1, 2, …): a random point between `minDelayMs` and a ceiling
 * that doubles with each retry, from twice `minDelayMs` up to `maxDelayMs`, so that the callers of a
 * subgraph that failed together do not all come back at once. `random` is in [0, 1).
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'minDelayMs' | 'maxDelayMs'>,
  random: number,
): number {
  const { minDelayMs, maxDelayMs } = policy;
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** retry);
  return Math.round(minDelayMs + random * Math.max(0, ceiling - minDelayMs));
}

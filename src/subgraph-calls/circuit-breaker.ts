import { performance } from 'node:perf_hooks';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { withOverrides, type BreakerPolicy, type CircuitBreakerConfig } from '../config/resilience-schema.js';
import { gatehouseError } from '../errors.js';
import { failureOf, withFailure, type SubgraphResponse } from '../execution/transport/subgraph-call.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { CircuitBreaker, type BreakerReport, type BreakerState } from './breaker-state.js';

/** A breaker with the handlers of its calls' outcomes, made once so that a call allocates none. */
interface Guard {
  readonly breaker: CircuitBreaker;
  readonly answered: (response: SubgraphResponse) => SubgraphResponse;
  readonly failed: (error: unknown) => never;
  readonly trialAnswered: (response: SubgraphResponse) => SubgraphResponse;
  readonly trialFailed: (error: unknown) => never;
}

/** The circuit-breaker plugin, which also tells metrics where each breaker is. */
export interface CircuitBreakerPlugin extends GatewayPlugin {
  /** Each breaker's state now (an open one whose reset time has come reads half-open), read at scrape time. */
  states(): Iterable<readonly [subgraph: string, state: BreakerReport['state']]>;
}

/**
 * A circuit breaker per subgraph: after `failureThreshold` consecutive failed calls (the connection
 * failed, it timed out, or the subgraph answered 5xx without a GraphQL body; GraphQL errors in an
 * answer are answers), the subgraph's calls fail at once with `SUBGRAPH_UNAVAILABLE` for
 * `resetTimeoutMs`, and the rest of each response is still served; then one trial call goes
 * through, and its outcome closes the breaker or opens it again. Each transition is a `warn` line, and
 * `/ready` shows every breaker's state. The breakers belong to this plugin, made once per gateway.
 * Not in the plugin list unless some subgraph has a breaker enabled.
 */
export function useCircuitBreaker(
  config: CircuitBreakerConfig,
  /** The gateway's logger, from its resources: each transition is logged. */
  { logger }: { readonly logger: Logger },
  /** The subgraphs known from the config, whose breakers `/ready` shows before their first call. */
  subgraphNames: readonly string[] = [],
  clock: () => number = () => performance.now(),
): CircuitBreakerPlugin | undefined {
  const policyOf = (subgraph: string): BreakerPolicy => {
    const override = Object.hasOwn(config.subgraphs, subgraph) ? config.subgraphs[subgraph] : undefined;
    return override === undefined ? config.all : withOverrides(config.all, override);
  };
  const anyEnabled =
    config.all.enabled || Object.keys(config.subgraphs).some((name) => policyOf(name).enabled);
  if (!anyEnabled) return undefined;

  const logTransition = (breaker: CircuitBreaker, from: BreakerState) => {
    const { subgraph } = breaker;
    const to = breaker.state;
    switch (to.phase) {
      case 'open':
        logger.warn(
          { subgraph, from: from.phase, to: to.phase, resetTimeoutMs: policyOf(subgraph).resetTimeoutMs },
          `circuit breaker of subgraph "${subgraph}" opened: its calls fail at once for a while`,
        );
        return;
      case 'half-open':
        logger.warn(
          { subgraph, from: from.phase, to: to.phase },
          `circuit breaker of subgraph "${subgraph}" is half-open: the next call is a trial`,
        );
        return;
      case 'closed':
        logger.warn(
          { subgraph, from: from.phase, to: to.phase },
          `circuit breaker of subgraph "${subgraph}" closed: its calls go through again`,
        );
        return;
      default:
        unreachable(to);
    }
  };

  // Each subgraph's guard, or null where its breaker is off; made on its first call, as subgraphs
  // can come from a supergraph file.
  const guards = new Map<string, Guard | null>();
  const guardOf = (subgraph: string): Guard | null => {
    let guard = guards.get(subgraph);
    if (guard === undefined) {
      const policy = policyOf(subgraph);
      guard = policy.enabled ? makeGuard(new CircuitBreaker(subgraph, policy, clock, logTransition)) : null;
      guards.set(subgraph, guard);
    }
    return guard;
  };
  for (const name of subgraphNames) guardOf(name);

  return {
    name: 'circuit-breaker',
    subgraphCall(call, next) {
      const guard = guardOf(call.subgraph);
      if (guard === null) return next(call);
      const admission = guard.breaker.admit();
      switch (admission) {
        case 'call':
          return next(call).then(guard.answered, guard.failed);
        case 'trial':
          return next(call).then(guard.trialAnswered, guard.trialFailed);
        case 'reject':
          return Promise.reject(circuitOpenError(call.subgraph));
        default:
          return unreachable(admission);
      }
    },
    readiness() {
      const reports: [string, BreakerReport][] = [];
      for (const [name, guard] of guards) if (guard !== null) reports.push([name, guard.breaker.report()]);
      return { subgraphs: Object.fromEntries(reports) };
    },
    *states() {
      for (const [name, guard] of guards) if (guard !== null) yield [name, guard.breaker.report().state];
    },
  };
}

function makeGuard(breaker: CircuitBreaker): Guard {
  const onAnswer = (trial: boolean) => (response: SubgraphResponse) => {
    breaker.succeeded(trial);
    return response;
  };
  const onFailure =
    (trial: boolean) =>
    (error: unknown): never => {
      if (isOutage(error)) breaker.failed(trial);
      else breaker.succeeded(trial);
      throw error;
    };
  return {
    breaker,
    answered: onAnswer(false),
    failed: onFailure(false),
    trialAnswered: onAnswer(true),
    trialFailed: onFailure(true),
  };
}

/**
 * Failures that say the subgraph is down or struggling. Anything else (an answer that is not
 * GraphQL, one too large) came from a subgraph that answered, and counts as a success.
 */
export function isOutage(error: unknown): boolean {
  const failure = failureOf(error);
  switch (failure?.kind) {
    case 'connection':
    case 'timeout':
      return true;
    case 'status':
      return failure.status >= 500;
    default:
      return false;
  }
}

function circuitOpenError(subgraph: string): GraphQLError {
  return withFailure(
    gatehouseError(
      'SUBGRAPH_UNAVAILABLE',
      `Subgraph "${subgraph}" is not called while its circuit breaker is open after repeated failures.`,
      { serviceName: subgraph },
    ),
    { kind: 'circuit-open' },
  );
}

function unreachable(value: never): never {
  throw new Error(`Unhandled circuit breaker case: ${JSON.stringify(value)}`);
}

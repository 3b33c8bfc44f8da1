import { z } from 'zod';
import { boolean, integer } from './primitives.js';

/*
 * Retries and circuit breakers for subgraph calls, under `transport`. Each has a policy for every
 * subgraph (`all`) and overrides per subgraph (`subgraphs.<name>`, any field, the rest from `all`),
 * as the `headers` rules and Apollo Router's `traffic_shaping` do. Both are off unless enabled.
 */

const RETRY_DEFAULTS = {
  enabled: false,
  maxRetries: 2,
  minDelayMs: 25,
  maxDelayMs: 500,
  onTimeout: false,
} as const;

const retryFields = {
  enabled: () =>
    boolean().describe('Retry failed queries to the subgraph (never mutations). Off by default.'),
  maxRetries: () => integer(1, 10).describe('Most retries of one subgraph call, after the first try.'),
  minDelayMs: () =>
    integer(0, 60_000).describe('Shortest wait before a retry; the waits grow exponentially, jittered.'),
  maxDelayMs: () => integer(0, 60_000).describe('Longest wait before a retry.'),
  onTimeout: () =>
    boolean().describe(
      'Also retry a call that timed out. Off by default: a retry waits for the whole timeout again.',
    ),
};

const retryPolicySchema = z.strictObject({
  enabled: retryFields.enabled().default(RETRY_DEFAULTS.enabled),
  maxRetries: retryFields.maxRetries().default(RETRY_DEFAULTS.maxRetries),
  minDelayMs: retryFields.minDelayMs().default(RETRY_DEFAULTS.minDelayMs),
  maxDelayMs: retryFields.maxDelayMs().default(RETRY_DEFAULTS.maxDelayMs),
  onTimeout: retryFields.onTimeout().default(RETRY_DEFAULTS.onTimeout),
});

const retryOverrideSchema = z.strictObject({
  enabled: retryFields.enabled().optional(),
  maxRetries: retryFields.maxRetries().optional(),
  minDelayMs: retryFields.minDelayMs().optional(),
  maxDelayMs: retryFields.maxDelayMs().optional(),
  onTimeout: retryFields.onTimeout().optional(),
});

export const retriesSchema = z
  .strictObject({
    budgetPerRequest: integer(0, 100)
      .default(3)
      .describe(
        'Most retries of all the subgraph calls made for one client request together, so that one request cannot multiply its latency or the calls it sends. 0 turns retries off.',
      ),
    all: retryPolicySchema.default(RETRY_DEFAULTS).describe('The retry policy of every subgraph.'),
    subgraphs: z
      .record(z.string(), retryOverrideSchema)
      .default({})
      .describe('Overrides for one subgraph, by name; fields left out are taken from `all`.'),
  })
  .superRefine((retries, ctx) => {
    const check = (policy: RetryPolicy, path: PropertyKey[]) => {
      if (policy.maxDelayMs < policy.minDelayMs) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'maxDelayMs'],
          message: `expected at least minDelayMs (${policy.minDelayMs})`,
        });
      }
    };
    check(retries.all, ['all']);
    for (const [name, override] of Object.entries(retries.subgraphs))
      check(withOverrides(retries.all, override), ['subgraphs', name]);
  });

const BREAKER_DEFAULTS = { enabled: false, failureThreshold: 5, resetTimeoutMs: 10_000 } as const;

const breakerFields = {
  enabled: () =>
    boolean().describe(
      'Stop calling the subgraph for a while after consecutive failures, failing its fields at once. Off by default.',
    ),
  failureThreshold: () =>
    integer(1, 1_000).describe(
      'Consecutive failed calls (connection failures, timeouts, 5xx answers) that open the breaker.',
    ),
  resetTimeoutMs: () =>
    integer(1).describe(
      'How long an open breaker fails calls at once before it lets one trial call through.',
    ),
};

const breakerPolicySchema = z.strictObject({
  enabled: breakerFields.enabled().default(BREAKER_DEFAULTS.enabled),
  failureThreshold: breakerFields.failureThreshold().default(BREAKER_DEFAULTS.failureThreshold),
  resetTimeoutMs: breakerFields.resetTimeoutMs().default(BREAKER_DEFAULTS.resetTimeoutMs),
});

const breakerOverrideSchema = z.strictObject({
  enabled: breakerFields.enabled().optional(),
  failureThreshold: breakerFields.failureThreshold().optional(),
  resetTimeoutMs: breakerFields.resetTimeoutMs().optional(),
});

export const circuitBreakerSchema = z.strictObject({
  all: breakerPolicySchema.default(BREAKER_DEFAULTS).describe('The circuit breaker of every subgraph.'),
  subgraphs: z
    .record(z.string(), breakerOverrideSchema)
    .default({})
    .describe('Overrides for one subgraph, by name; fields left out are taken from `all`.'),
});

export const RETRIES_DEFAULT = { budgetPerRequest: 3, all: RETRY_DEFAULTS, subgraphs: {} };
export const CIRCUIT_BREAKER_DEFAULT = { all: BREAKER_DEFAULTS, subgraphs: {} };

export type RetriesConfig = z.output<typeof retriesSchema>;
export type RetryPolicy = z.output<typeof retryPolicySchema>;
export type CircuitBreakerConfig = z.output<typeof circuitBreakerSchema>;
export type BreakerPolicy = z.output<typeof breakerPolicySchema>;

/** A subgraph's policy: its overrides over `all`. */
export function withOverrides<Policy extends object>(
  all: Policy,
  override: { [Key in keyof Policy]?: Policy[Key] | undefined },
): Policy {
  const policy = { ...all };
  for (const key of Object.keys(override) as (keyof Policy)[]) {
    const value = override[key];
    if (value !== undefined) policy[key] = value;
  }
  return policy;
}

/**
 * Overrides must name subgraphs the gateway has, when the config lists them (with `supergraph:`
 * the names are only known once it is loaded), so that a typo never silently does nothing.
 */
export function checkPolicySubgraphs(
  transport: { retries: RetriesConfig; circuitBreaker: CircuitBreakerConfig },
  subgraphs: readonly { name: string }[],
  ctx: z.RefinementCtx,
): void {
  if (subgraphs.length === 0) return;
  const known = new Set(subgraphs.map(({ name }) => name));
  for (const section of ['retries', 'circuitBreaker'] as const) {
    for (const name of Object.keys(transport[section].subgraphs)) {
      if (known.has(name)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['transport', section, 'subgraphs', name],
        message: `no subgraph is named "${name}"`,
      });
    }
  }
}

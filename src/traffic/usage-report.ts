import type { KeySource, TrafficConfig } from '../config/traffic-schema.js';
import { countedKey, type CallerFacts } from './caller.js';
import { planLimits, ruleLimit, type LimitPolicy } from './plans.js';
import type { CheckOutcome, LimitCheck, TrafficStore } from './store/types.js';

/**
 * What a caller has used of its limits now, and what is left: the answer of `GET /admin/usage` and
 * of `gatehouse keys usage`. Built from the same checks the limiter takes (`planLimits`,
 * `ruleLimit`), read with `store.peek`, so the report names exactly the counters requests drain.
 */

/** One limit in the report. */
export interface PolicyUsage {
  /** `<plan>-rate`, `<plan>-quota`, `<plan>-cost`, or a rule's name. */
  name: string;
  kind: LimitPolicy['kind'];
  /** Set for rules that limit the calls to one subgraph. */
  subgraph?: string;
  /** Requests (rate, quota) or cost (cost budget) per window; a rate's limit is its burst. */
  limit: number;
  used: number;
  remaining: number;
  /** As written in the config (`10/s`, `10000/day`). */
  window: string;
  /** The calendar period counted now (quotas and budgets over a day, week or month). */
  period?: { id: string; start?: string; end?: string };
  /** When the counter is back to empty (a full bucket, a new period, the oldest slot gone). */
  resetsAt: string;
}

export interface UsageReport {
  /** The caller's plan; null when it has none (no default plan). */
  plan: string | null;
  /** Who the plan's limits count (`apiKey:<id>`, `subject:alice`, `ip:203.0.113.7`). */
  countedKey: string | null;
  /** When the report was read. */
  at: string;
  policies: PolicyUsage[];
}

/** Why a report cannot be made: the query lacks what the limits count by. */
export class UsageQueryError extends Error {
  override readonly name = 'UsageQueryError';
}

/**
 * The caller's usage. `facts` describes the caller as the limiter would see it; `explicitIp` says
 * whether `facts.ip` was given (a limit counting by IP cannot be reported for a caller known only
 * by its key). Rules are reported when their key can be made from the facts.
 */
export async function usageReport(
  traffic: TrafficConfig,
  store: TrafficStore,
  caller: { facts: CallerFacts; explicitIp: boolean; plan: string | undefined },
  now: number,
): Promise<UsageReport> {
  const checks: LimitCheck[] = [];
  const policies: (LimitPolicy & { subgraph?: string })[] = [];
  const plan = caller.plan === undefined ? undefined : traffic.plans[caller.plan];
  let planKey: string | null = null;
  if (caller.plan !== undefined && plan !== undefined) {
    planKey = keyFor(plan.key, caller) ?? null;
    if (planKey === null)
      throw new UsageQueryError(
        `plan "${caller.plan}" counts callers by ${plan.key.join(' and ')}, which this query does not give; ` +
          'ask with the values it counts by (?key=, ?subject=, ?tenant=, ?ip=)',
      );
    const limits = planLimits(caller.plan, plan, planKey, now, traffic.timeZone);
    checks.push(...limits.checks);
    policies.push(...limits.policies);
  }
  for (const rule of traffic.rules) {
    const key = keyFor(rule.key, caller);
    if (key === undefined) continue;
    const { check, policy } = ruleLimit(rule, key);
    checks.push(check);
    policies.push(rule.subgraph === undefined ? policy : { ...policy, subgraph: rule.subgraph });
  }
  const outcomes = checks.length === 0 ? [] : await store.peek(checks, now);
  return {
    plan: caller.plan ?? null,
    countedKey: planKey,
    at: new Date(now).toISOString(),
    policies: policies.map((policy, index) => policyUsage(policy, checks[index], outcomes[index], now)),
  };
}

/** The counted key for `sources`, or undefined when it would need the IP and none was given. */
function keyFor(
  sources: readonly KeySource[],
  caller: { facts: CallerFacts; explicitIp: boolean },
): string | undefined {
  const key = countedKey(sources, caller.facts);
  // countedKey falls back to the IP for a missing value: with no IP given, that part is unknown.
  const needsIp = key.split('|').some((part) => part.startsWith('ip:'));
  return needsIp && !caller.explicitIp ? undefined : key;
}

function policyUsage(
  policy: LimitPolicy & { subgraph?: string },
  check: LimitCheck | undefined,
  outcome: CheckOutcome | undefined,
  now: number,
): PolicyUsage {
  const used = usedNow(check, outcome);
  const usage: PolicyUsage = {
    name: policy.name,
    kind: policy.kind,
    ...(policy.subgraph === undefined ? {} : { subgraph: policy.subgraph }),
    limit: policy.limit,
    used,
    remaining: Math.max(0, policy.limit - used),
    window: policy.window,
    // A calendar counter resets when its period ends, however empty it is.
    resetsAt: new Date(policy.period?.endsAt ?? now + Math.max(0, outcome?.resetMs ?? 0)).toISOString(),
  };
  const period = policy.period;
  // A rolling window's period has no start or end of its own: `resetsAt` says when it frees up.
  if (period !== undefined && period.startsAt !== undefined) {
    usage.period = {
      id: period.id,
      start: new Date(period.startsAt).toISOString(),
      ...(period.endsAt === undefined ? {} : { end: new Date(period.endsAt).toISOString() }),
    };
  }
  return usage;
}

/** What is used now: `peek` reads each counter as it is (a bucket's `remaining` is its tokens). */
function usedNow(check: LimitCheck | undefined, outcome: CheckOutcome | undefined): number {
  if (check === undefined || outcome === undefined) return 0;
  if (check.kind === 'bucket') return Math.max(0, check.capacity - outcome.remaining);
  return Math.max(0, outcome.used);
}

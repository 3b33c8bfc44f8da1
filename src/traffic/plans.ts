import type { Principal } from '../auth/principal.js';
import {
  CALENDAR_MIN_MS,
  type Amount,
  type PlanConfig,
  type RuleConfig,
  type TrafficConfig,
} from '../config/traffic-schema.js';
import { currentPeriod } from './period-cache.js';
import type { LimitCheck } from './store/types.js';

/**
 * A usage plan (or a rule) turned into the store's checks for one caller at one moment, with what
 * the headers and the usage report say of each. Shared by the limiter and the usage report, so
 * that both name the same counters.
 */

/** One limit as clients and operators see it (the `RateLimit-Policy` header, the usage report). */
export interface LimitPolicy {
  /** `<plan>-rate`, `<plan>-quota`, `<plan>-cost`, or a rule's name. */
  name: string;
  kind: 'rate' | 'quota' | 'cost';
  /** The amount per window: a bucket's size (its burst), a quota's or a budget's limit. */
  limit: number;
  /** As written in the config (`10000/day`). */
  window: string;
  /** The window's length: a rate's window, or this calendar period's actual length (DST included). */
  windowSeconds: number;
  /** The calendar or rolling period counted now (quotas and budgets). */
  period?: { id: string; startsAt?: number; endsAt?: number };
}

/** A plan's checks and their policies, in the same order. */
export interface PlanLimits {
  checks: LimitCheck[];
  policies: LimitPolicy[];
}

/**
 * The checks of `plan` for the caller counted as `countedKey`, at `now`. `amount` is what the
 * request takes of the rate and the quota (a batch counts each operation); a cost budget is only
 * checked here, and charged with the actual cost once the response is known.
 */
export function planLimits(
  planName: string,
  plan: PlanConfig,
  countedKey: string,
  now: number,
  timeZone: string,
  amount = 1,
): PlanLimits {
  const limits: PlanLimits = { checks: [], policies: [] };
  const prefix = `plan:${planName}:${countedKey}`;
  if (plan.rate) {
    const rate = bucketOf(`${planName}-rate`, `${prefix}:rate`, plan.rate, plan.burst, amount);
    limits.checks.push(rate.check);
    limits.policies.push(rate.policy);
  }
  if (plan.quota) {
    const period = currentPeriod(plan.quota.window, now, timeZone);
    limits.checks.push({
      kind: 'quota',
      key: `${prefix}:quota:${period.id}`,
      limit: plan.quota.limit,
      amount,
      window: period.counterWindow,
    });
    limits.policies.push(periodPolicy(`${planName}-quota`, 'quota', plan.quota, period));
  }
  if (plan.cost) {
    const period = currentPeriod(plan.cost.window, now, timeZone);
    limits.checks.push({
      kind: 'budget',
      key: `${prefix}:cost:${period.id}`,
      limit: plan.cost.limit,
      window: period.counterWindow,
    });
    limits.policies.push(periodPolicy(`${planName}-cost`, 'cost', plan.cost, period));
  }
  return limits;
}

/** A rule's bucket for the caller counted as `countedKey`. */
export function ruleLimit(
  rule: RuleConfig,
  countedKey: string,
  amount = 1,
): { check: LimitCheck; policy: LimitPolicy } {
  return bucketOf(rule.name, `rule:${rule.name}:${countedKey}`, rule.rate, rule.burst, amount);
}

/**
 * The caller's plan: its API key's, else its plan claim's, else the default plan. A name that is
 * not a configured plan (a key created with a plan since removed, a token from another system)
 * falls back to the default plan; `onUnknown` hears of it (the caller logs it once per name).
 */
export function planOf(
  principal: Principal | undefined,
  traffic: TrafficConfig,
  onUnknown?: (plan: string) => void,
): string | undefined {
  const named = principal?.kind === 'authenticated' ? namedPlan(principal, traffic.planClaim) : undefined;
  if (named === undefined) return traffic.defaultPlan;
  if (Object.hasOwn(traffic.plans, named)) return named;
  onUnknown?.(named);
  return traffic.defaultPlan;
}

function namedPlan(
  principal: Extract<Principal, { kind: 'authenticated' }>,
  planClaim: string,
): string | undefined {
  if (principal.plan !== undefined && principal.plan !== '') return principal.plan;
  const claim = principal.claims[planClaim];
  return typeof claim === 'string' && claim !== '' ? claim : undefined;
}

function bucketOf(
  name: string,
  key: string,
  rate: Amount,
  burst: number | undefined,
  amount: number,
): { check: LimitCheck; policy: LimitPolicy } {
  // A rate's window is always rolling (the schema refuses calendar periods for rates).
  const ms = rate.window.kind === 'rolling' ? rate.window.ms : 1_000;
  const capacity = burst ?? rate.limit;
  return {
    check: { kind: 'bucket', key, capacity, refillPerMs: rate.limit / ms, amount },
    policy: { name, kind: 'rate', limit: capacity, window: rate.text, windowSeconds: ms / 1000 },
  };
}

function periodPolicy(
  name: string,
  kind: 'quota' | 'cost',
  amount: Amount,
  period: ReturnType<typeof currentPeriod>,
): LimitPolicy {
  const { id, startsAt, endsAt } = period;
  const seconds =
    startsAt !== undefined && endsAt !== undefined
      ? Math.round((endsAt - startsAt) / 1000)
      : amount.window.kind === 'rolling'
        ? amount.window.ms / 1000
        : CALENDAR_MIN_MS[amount.window.unit] / 1000;
  return {
    name,
    kind,
    limit: amount.limit,
    window: amount.text,
    windowSeconds: seconds,
    period: {
      id,
      ...(startsAt !== undefined ? { startsAt } : {}),
      ...(endsAt !== undefined ? { endsAt } : {}),
    },
  };
}

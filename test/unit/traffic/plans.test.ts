import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { trafficSchema } from '../../../src/config/traffic-schema.js';
import { planLimits, planOf } from '../../../src/traffic/plans.js';
import { rateLimitHeaders, retryAfterSeconds } from '../../../src/traffic/rate-headers.js';

const traffic = trafficSchema.parse({
  defaultPlan: 'free',
  plans: {
    free: { rate: '10/s', burst: 20, quota: '10000/day', cost: '50000/month' },
    gold: { rate: '100/10s' },
  },
});
const NOW = Date.parse('2026-12-03T10:00:00.000Z');

const withPlan = (plan: string | undefined, claims: Record<string, unknown> = {}): Principal => ({
  kind: 'authenticated',
  source: plan === undefined ? 'jwt' : 'api-key',
  subject: 's',
  scopes: new Set(),
  roles: new Set(),
  claims,
  credential: 'c',
  ...(plan === undefined ? {} : { plan }),
});

describe('planOf', () => {
  it("takes the API key's plan, else the claim, else the default; an unknown plan is the default", () => {
    const unknown: string[] = [];
    expect(planOf(withPlan('gold'), traffic)).toBe('gold');
    expect(planOf(withPlan(undefined, { plan: 'gold' }), traffic)).toBe('gold');
    expect(planOf(undefined, traffic)).toBe('free');
    expect(planOf({ kind: 'anonymous' }, traffic)).toBe('free');
    expect(planOf(withPlan('platinum'), traffic, (name) => unknown.push(name))).toBe('free');
    expect(unknown).toEqual(['platinum']);
    expect(planOf(undefined, trafficSchema.parse({ plans: { gold: { rate: '1/s' } } }))).toBeUndefined();
  });
});

describe('planLimits', () => {
  it("names the plan's counters by caller and period, with their policies in the same order", () => {
    const free = traffic.plans['free'];
    if (!free) throw new Error('no free plan');
    const { checks, policies } = planLimits('free', free, 'ip:1.2.3.4', NOW, 'UTC', 3);
    const dayEnd = Date.parse('2026-12-04T00:00:00.000Z');
    const monthEnd = Date.parse('2027-01-01T00:00:00.000Z');
    expect(checks).toEqual([
      { kind: 'bucket', key: 'plan:free:ip:1.2.3.4:rate', capacity: 20, refillPerMs: 0.01, amount: 3 },
      {
        kind: 'quota',
        key: 'plan:free:ip:1.2.3.4:quota:day:2026-12-03',
        limit: 10000,
        amount: 3,
        window: { kind: 'fixed', endsAt: dayEnd },
      },
      {
        kind: 'budget',
        key: 'plan:free:ip:1.2.3.4:cost:month:2026-12',
        limit: 50000,
        window: { kind: 'fixed', endsAt: monthEnd },
      },
    ]);
    expect(policies.map(({ name, windowSeconds }) => [name, windowSeconds])).toEqual([
      ['free-rate', 1],
      ['free-quota', 86400],
      ['free-cost', 31 * 86400],
    ]);
    const headers = rateLimitHeaders(policies, [
      { allowed: true, remaining: 17.4, used: 0, resetMs: 300, retryAfterMs: 0 },
      { allowed: true, remaining: 9997, used: 3, resetMs: dayEnd - NOW, retryAfterMs: 0 },
      { allowed: true, remaining: 50000, used: 0, resetMs: monthEnd - NOW, retryAfterMs: 0 },
    ]);
    expect(headers).toEqual({
      'ratelimit-policy': '"free-rate";q=20;w=1, "free-quota";q=10000;w=86400, "free-cost";q=50000;w=2678400',
      ratelimit: `"free-rate";r=17;t=1, "free-quota";r=9997;t=50400, "free-cost";r=50000;t=${(monthEnd - NOW) / 1000}`,
    });
  });

  it('waits for the slowest refused check before a retry, at least a second', () => {
    const outcome = (allowed: boolean, retryAfterMs: number) => ({
      allowed,
      remaining: 0,
      used: 0,
      resetMs: 0,
      retryAfterMs,
    });
    expect(retryAfterSeconds([outcome(false, 1_200), outcome(true, 0), outcome(false, 400)])).toBe(2);
    expect(retryAfterSeconds([outcome(false, 0)])).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { parseAmount } from '../../../src/config/traffic-schema.js';
import { UserFacingError } from '../../../src/errors.js';

const SUBGRAPHS = [{ name: 'products', url: 'http://127.0.0.1:4001/graphql' }];

function load(traffic: unknown, extra: Record<string, unknown> = {}) {
  return resolveConfig({ subgraphs: SUBGRAPHS, traffic, ...extra }, { env: {} });
}

/** The problem lines of a refused config, joined (each names the field's path). */
function problemsOf(traffic: unknown, extra: Record<string, unknown> = {}): string {
  try {
    load(traffic, extra);
  } catch (error) {
    if (error instanceof UserFacingError) return error.details.join('\n');
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('traffic config', () => {
  it('is off by default, with the memory store and fail-open', () => {
    const { traffic } = load(undefined);
    expect(traffic).toMatchObject({
      store: 'memory',
      onStoreError: 'failOpen',
      timeZone: 'UTC',
      plans: {},
      rules: [],
      memory: { maxKeys: 100_000 },
    });
  });

  it('parses plans with calendar and rolling periods, and key sources', () => {
    const { traffic } = load({
      timeZone: 'Europe/Paris',
      plans: {
        free: { rate: '10/s', burst: 20, quota: '10000/day', cost: '50000/day' },
        pro: { rate: '100/10s', quota: '5000/24h', key: ['subject', 'operation'] },
        partner: { quota: '1000000/month', key: 'header:X-Partner' },
      },
      defaultPlan: 'free',
      rules: [
        { name: 'per-ip', key: 'ip', rate: '100/s' },
        { name: 'products', subgraph: 'products', rate: '50/s' },
      ],
    });
    expect(traffic.plans.free).toEqual({
      rate: { limit: 10, window: { kind: 'rolling', ms: 1000 }, text: '10/s' },
      burst: 20,
      quota: { limit: 10000, window: { kind: 'calendar', unit: 'day' }, text: '10000/day' },
      cost: { limit: 50000, window: { kind: 'calendar', unit: 'day' }, text: '50000/day' },
      key: ['auto'],
    });
    expect(traffic.plans.pro?.rate?.window).toEqual({ kind: 'rolling', ms: 10_000 });
    expect(traffic.plans.pro?.quota?.window).toEqual({ kind: 'rolling', ms: 86_400_000 });
    expect(traffic.plans.pro?.key).toEqual(['subject', 'operation']);
    expect(traffic.plans.partner?.key).toEqual(['header:x-partner']);
    expect(traffic.rules[1]).toMatchObject({ name: 'products', subgraph: 'products', key: ['auto'] });
  });

  it('refuses bad rules at start, naming the field', () => {
    expect(problemsOf({ plans: { free: { rate: '10/s' } }, defaultPlan: 'gold' })).toMatch(
      /traffic\.defaultPlan: unknown plan "gold"; plans: free/,
    );
    expect(problemsOf({ plans: { free: { rate: '0/s' } } })).toMatch(
      /traffic\.plans\.free\.rate: the amount must be a positive integer/,
    );
    expect(problemsOf({ plans: { free: { rate: '-5/s' } } })).toMatch(
      /traffic\.plans\.free\.rate: expected <number>\/<window>/,
    );
    expect(problemsOf({ plans: { free: { rate: '10/day' } } })).toMatch(
      /traffic\.plans\.free\.rate: a rate's window is a number of s, m or h/,
    );
    expect(problemsOf({ plans: { free: { rate: '10/s', burst: 0 } } })).toMatch(
      /traffic\.plans\.free\.burst: expected an integer of at least 1/,
    );
    expect(problemsOf({ plans: { free: { rate: '10/s', key: 'cookie' } } })).toMatch(
      /traffic\.plans\.free\.key: expected one of auto, apiKey, subject, tenant, ip, operation or header:<name>/,
    );
    expect(problemsOf({ plans: { free: { rate: '100/h', quota: '50/10m' } } })).toMatch(
      /traffic\.plans\.free\.quota: the quota period \(50\/10m\) is shorter than the rate's window \(100\/h\)/,
    );
    expect(problemsOf({ plans: { free: { burst: 5, quota: '5/day' } } })).toMatch(
      /traffic\.plans\.free\.burst: `burst` needs a `rate`/,
    );
    expect(problemsOf({ plans: { free: {} } })).toMatch(
      /traffic\.plans\.free: a plan needs at least one of `rate`, `quota` or `cost`/,
    );
    expect(problemsOf({ timeZone: 'Mars/Olympus' })).toMatch(/traffic\.timeZone: expected an IANA time zone/);
    expect(
      problemsOf({
        rules: [
          { name: 'a', rate: '1/s' },
          { name: 'a', rate: '2/s' },
        ],
      }),
    ).toMatch(/traffic\.rules\[1\]\.name: two rules are named "a"/);
    expect(problemsOf({ rules: [{ name: 'x', rate: '1/s', subgraph: 'nope' }] })).toMatch(
      /traffic\.rules\[0\]\.subgraph: unknown subgraph "nope"; subgraphs: products/,
    );
    expect(problemsOf({ store: 'redis', plans: { free: { rate: '1/s' } } })).toMatch(
      /traffic\.store: `redis` needs a `redis:` block/,
    );
    expect(
      problemsOf({ plans: { free: { cost: '100/day' } } }, { security: { cost: { mode: 'off' } } }),
    ).toMatch(/traffic\.plans\.free\.cost: a cost budget needs demand control/);
  });

  it('reads amounts', () => {
    expect(parseAmount('10000 / week', true)).toEqual({
      limit: 10000,
      window: { kind: 'calendar', unit: 'week' },
      text: '10000 / week',
    });
    expect(parseAmount('5/2h', false)).toMatchObject({ window: { kind: 'rolling', ms: 7_200_000 } });
    expect(parseAmount('5/0s', false)).toMatch(/positive number/);
    expect(parseAmount('ten/s', false)).toMatch(/expected/);
  });
});

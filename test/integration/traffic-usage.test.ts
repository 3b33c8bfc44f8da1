import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import type { RecordingSubgraph } from '../helpers/recording-subgraph.js';
import {
  BOOKS_QUERY,
  COSTLY_ACTUAL,
  COSTLY_QUERY,
  deleteKeys,
  startTrafficSubgraphs,
  storeConfig,
  STORES,
  testClock,
  uniquePrefix,
} from '../helpers/traffic.js';

// The usage report (GET /admin/usage) and the dashboard's top consumers over HTTP, on the memory
// store and on Redis: what callers used of each limit, read from the counters requests drain, and
// who used the most today. The limiter's clock is the test's, so periods turn without waiting.

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
const ISSUER = 'https://idp.traffic.test/';
const DAY = 86_400_000;

const TRAFFIC = {
  defaultPlan: 'free',
  plans: {
    free: { quota: '3/day' },
    team: { rate: '10/s', quota: '100/week', cost: '1000/month', key: 'subject' },
    pinned: { quota: '10/day', key: 'ip' },
  },
  rules: [{ name: 'everyone', rate: '100/m', key: 'ip' }],
};

let books: RecordingSubgraph;
let authors: RecordingSubgraph;

beforeAll(async () => {
  ({ books, authors } = await startTrafficSubgraphs());
});
afterAll(async () => {
  await Promise.all([books?.close(), authors?.close()]);
});

describe.each(STORES)('the usage report on the %s store', (store) => {
  const prefix = uniquePrefix();
  // Thursday 2026-12-03 10:00 UTC: the ISO week began on Monday 2026-11-30.
  const clock = testClock('2026-12-03T10:00:00.000Z');
  let gateway: RunningGateway;
  let base = '';

  beforeAll(async () => {
    gateway = await startTestGateway(
      [books, authors],
      {
        auth: { jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] } },
        security: { cost: { mode: 'enforce', maxCost: 1000 } },
        traffic: { ...TRAFFIC, store },
        ...storeConfig(store, prefix),
      },
      { trafficClock: clock.read },
    );
    base = gateway.graphqlUrl.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway?.close();
    if (store === 'redis') await deleteKeys(prefix);
  });

  const usage = async (query: string) => {
    const response = await fetch(`${base}/admin/usage${query}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const alice = {
    authorization: `Bearer ${signHs256(SECRET, { plan: 'team' }, { issuer: ISSUER, subject: 'alice' })}`,
  };

  it('reports used and remaining per limit and period, and the counters start again with the period', async () => {
    for (let i = 0; i < 3; i++)
      expect((await postGraphQL(gateway.graphqlUrl, { query: BOOKS_QUERY })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const served = await postGraphQL(gateway.graphqlUrl, { query: COSTLY_QUERY }, alice);
      expect(served.status, JSON.stringify(served.body)).toBe(200);
    }

    const anonymous = await usage('?ip=127.0.0.1');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({
      plan: 'free',
      countedKey: 'ip:127.0.0.1',
      at: '2026-12-03T10:00:00.000Z',
      policies: [
        {
          name: 'free-quota',
          kind: 'quota',
          limit: 3,
          used: 3,
          remaining: 0,
          window: '3/day',
          period: {
            id: 'day:2026-12-03',
            start: '2026-12-03T00:00:00.000Z',
            end: '2026-12-04T00:00:00.000Z',
          },
          resetsAt: '2026-12-04T00:00:00.000Z',
        },
        // The rule counts every request from the address: alice's two came from it too.
        expect.objectContaining({
          name: 'everyone',
          kind: 'rate',
          limit: 100,
          used: 5,
          remaining: 95,
          window: '100/m',
        }),
      ],
    });

    const team = await usage('?subject=alice&plan=team');
    expect(team.status).toBe(200);
    expect(team.body).toMatchObject({ plan: 'team', countedKey: 'subject:alice' });
    const policies = team.body['policies'] as Record<string, unknown>[];
    expect(policies.map(({ name }) => name)).toEqual(['team-rate', 'team-quota', 'team-cost']);
    expect(policies[0]).toMatchObject({ limit: 10, used: 2, remaining: 8, window: '10/s' });
    expect(policies[1]).toMatchObject({
      used: 2,
      remaining: 98,
      period: { id: 'week:2026-W49', start: '2026-11-30T00:00:00.000Z', end: '2026-12-07T00:00:00.000Z' },
    });
    // Charged with the actual cost of each response, not its estimate.
    expect(policies[2]).toMatchObject({
      used: 2 * COSTLY_ACTUAL,
      remaining: 1000 - 2 * COSTLY_ACTUAL,
      period: { id: 'month:2026-12', start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
    });

    clock.advance(DAY);
    const nextDay = await usage('?ip=127.0.0.1');
    expect(nextDay.body['policies']).toEqual([
      expect.objectContaining({
        name: 'free-quota',
        used: 0,
        remaining: 3,
        period: expect.objectContaining({ id: 'day:2026-12-04' }),
      }),
      expect.objectContaining({ name: 'everyone', used: 0 }),
    ]);
    // The week and the month go on.
    const later = await usage('?subject=alice&plan=team');
    expect((later.body['policies'] as Record<string, unknown>[])[1]).toMatchObject({ used: 2 });
    clock.advance(-DAY);
  });

  it("ranks today's callers by admitted requests for the dashboard", async () => {
    const response = await fetch(`${base}/admin/api/top-consumers`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      period: { id: 'day:2026-12-03', start: '2026-12-03T00:00:00.000Z', end: '2026-12-04T00:00:00.000Z' },
      consumers: [
        { countedKey: 'ip:127.0.0.1', requests: 3 },
        { countedKey: 'subject:alice', requests: 2 },
      ],
    });
    // The dashboard's stats tell the page there is a ranking to show.
    const stats = await fetch(`${base}/admin/api/stats`);
    expect(stats.headers.get('gatehouse-top-consumers')).toBe('/admin/api/top-consumers');
    const one = await fetch(`${base}/admin/api/top-consumers?count=1`);
    expect(((await one.json()) as { consumers: unknown[] }).consumers).toHaveLength(1);
    expect((await fetch(`${base}/admin/api/top-consumers?count=0`)).status).toBe(400);
  });

  it('says what the query lacks, and which plan is unknown', async () => {
    const byIp = await usage('?subject=alice&plan=pinned');
    expect(byIp.status).toBe(400);
    expect(JSON.stringify(byIp.body)).toMatch(/plan \\"pinned\\" counts callers by ip/);
    const unknownPlan = await usage('?subject=alice&plan=platinum');
    expect(unknownPlan.status).toBe(400);
    expect(JSON.stringify(unknownPlan.body)).toMatch(
      /Unknown plan \\"platinum\\"; plans: free, team, pinned/,
    );
    // No API keys on this gateway.
    const key = await usage('?key=ci');
    expect(key.status).toBe(404);
    expect(JSON.stringify(key.body)).toMatch(/no API keys/);
  });
});

describe('the usage report in a production stage', () => {
  const ADMIN_TOKEN = 'usage-report-admin-token-0123456789';
  let gateway: RunningGateway;
  let base = '';

  beforeAll(async () => {
    gateway = await startTestGateway([books, authors], {
      stage: 'prod',
      registry: { tokens: [{ name: 'ops', token: ADMIN_TOKEN }] },
      traffic: TRAFFIC,
    });
    base = gateway.graphqlUrl.replace(/\/graphql$/, '');
  });
  afterAll(() => gateway?.close());

  it('needs an admin token for the report and the top consumers', async () => {
    for (const path of ['/admin/usage?ip=127.0.0.1', '/admin/api/top-consumers']) {
      const missing = await fetch(`${base}${path}`);
      expect(missing.status, path).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await fetch(`${base}${path}`, {
        headers: { authorization: 'Bearer not-the-admin-token' },
      });
      expect(wrong.status, path).toBe(401);
      expect(JSON.stringify(await wrong.json())).toMatch(/not an admin token/);
      const right = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(right.status, path).toBe(200);
    }
  });
});

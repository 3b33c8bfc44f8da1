import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/auth/api-keys.js';
import type { RunningGateway } from '../../src/server/start.js';
import { openStore, type Store } from '../../src/store/index.js';
import { postGraphQL, startTestGateway, type GraphQLHttpResponse } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import type { RecordingSubgraph } from '../helpers/recording-subgraph.js';
import {
  BOOKS_QUERY,
  BOTH_QUERY,
  COSTLY_ACTUAL,
  COSTLY_QUERY,
  deleteKeys,
  startTrafficSubgraphs,
  storeConfig,
  STORES,
  testClock,
  uniquePrefix,
} from '../helpers/traffic.js';

// Usage plans over HTTP, on the memory store and on Redis: who is on which plan (API key, JWT
// claim, default plan, anonymous by IP), what a refusal looks like (429, Retry-After, the IETF
// RateLimit headers, the GraphQL code), quotas over a calendar day, cost budgets drained by the
// actual cost, and a per-subgraph rule. The limiter's clock is the test's: nothing sleeps.

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
const ISSUER = 'https://idp.traffic.test/';
const DAY = 86_400_000;
/** The books subgraph answers every book whatever `first` says. */
const TITLES = [{ title: 'book 0' }, { title: 'book 1' }, { title: 'book 2' }];

const TRAFFIC = {
  defaultPlan: 'free',
  plans: {
    free: { rate: '1/s', burst: 3 },
    gold: { rate: '100/s', quota: '5/day' },
    metered: { cost: '100/day', key: 'subject' },
  },
  rules: [{ name: 'authors-calls', subgraph: 'authors', rate: '1/m', burst: 2 }],
};

let books: RecordingSubgraph;
let authors: RecordingSubgraph;

beforeAll(async () => {
  ({ books, authors } = await startTrafficSubgraphs());
});
afterAll(async () => {
  await Promise.all([books?.close(), authors?.close()]);
});

const token = (claims: Record<string, unknown>, subject: string) =>
  `Bearer ${signHs256(SECRET, claims, { issuer: ISSUER, subject })}`;

function codeOf(response: GraphQLHttpResponse): unknown {
  return (response.body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
}

describe.each(STORES)('usage plans on the %s store', (store) => {
  const prefix = uniquePrefix();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-traffic-'));
  const sqlite = join(dir, 'gatehouse.db');
  // 10:00 UTC: the day (traffic.timeZone UTC) ends in 14 hours.
  const clock = testClock('2026-12-03T10:00:00.000Z');
  let gateway: RunningGateway;
  let keyStore: Store;
  let caller = 0;

  beforeAll(async () => {
    gateway = await startTestGateway(
      [books, authors],
      {
        auth: { jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] }, apiKeys: {} },
        store: { sqlite },
        security: { cost: { mode: 'enforce', maxCost: 1000 }, batching: { enabled: true } },
        traffic: { ...TRAFFIC, store },
        ...storeConfig(store, prefix),
      },
      { trafficClock: clock.read },
    );
    keyStore = await openStore({ sqlite });
  });
  afterAll(async () => {
    await gateway?.close();
    await keyStore?.close();
    rmSync(dir, { recursive: true, force: true });
    if (store === 'redis') await deleteKeys(prefix);
  });
  // Two days on: every bucket is full and every daily counter new, whatever the test before took.
  beforeEach(() => {
    clock.now = Date.parse('2026-12-03T10:00:00.000Z') + ++caller * 2 * DAY;
  });

  const send = (query: string, headers: Record<string, string> = {}) =>
    postGraphQL(gateway.graphqlUrl, { query }, headers);

  it('puts anonymous callers on the default plan, counted by IP: a burst, then 429 with Retry-After, the RateLimit headers and RATE_LIMITED', async () => {
    for (const remaining of [2, 1, 0]) {
      const served = await send(BOOKS_QUERY);
      expect(served.status).toBe(200);
      expect(served.headers.get('ratelimit-policy')).toBe('"free-rate";q=3;w=1');
      expect(served.headers.get('ratelimit')).toBe(`"free-rate";r=${remaining};t=${3 - remaining}`);
    }
    const refused = await send(BOOKS_QUERY);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-policy')).toBe('"free-rate";q=3;w=1');
    expect(refused.headers.get('ratelimit')).toBe('"free-rate";r=0;t=3');
    expect(refused.body).toEqual({
      errors: [
        {
          message: 'Too many requests: free-rate is spent; retry in 1 s.',
          extensions: { code: 'RATE_LIMITED' },
        },
      ],
    });
    // One token back a second later (the test's clock), and no more.
    clock.advance(1_000);
    expect((await send(BOOKS_QUERY)).status).toBe(200);
    expect((await send(BOOKS_QUERY)).status).toBe(429);
  });

  it('puts an API key on its plan: the quota is exact, and it resets when the day turns in traffic.timeZone', async () => {
    const { key } = await new ApiKeys(keyStore).create({ name: `gold-${store}-${caller}`, plan: 'gold' });
    const headers = { 'x-api-key': key };
    for (let used = 1; used <= 5; used++) {
      const served = await send(BOOKS_QUERY, headers);
      expect(served.status).toBe(200);
      expect(served.headers.get('ratelimit-policy')).toBe('"gold-rate";q=100;w=1, "gold-quota";q=5;w=86400');
      expect(served.headers.get('ratelimit')).toMatch(new RegExp(`"gold-quota";r=${5 - used};t=50400$`));
    }
    const refused = await send(BOOKS_QUERY, headers);
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    // 10:00 → midnight UTC.
    expect(refused.headers.get('retry-after')).toBe(String(14 * 3600));
    // Anonymous callers from the same address are on their own plan and counter.
    expect((await send(BOOKS_QUERY)).status).toBe(200);
    clock.advance(14 * 3600 * 1000 - 1);
    expect((await send(BOOKS_QUERY, headers)).status).toBe(429);
    clock.advance(1);
    expect((await send(BOOKS_QUERY, headers)).status).toBe(200);
  });

  it('puts a JWT caller on the plan its claim names, counted by its key; an unknown plan falls back to the default', async () => {
    const alice = { authorization: token({ plan: 'gold' }, `alice-${caller}`) };
    const bob = { authorization: token({ plan: 'gold' }, `bob-${caller}`) };
    for (let sent = 0; sent < 5; sent++) expect((await send(BOOKS_QUERY, alice)).status).toBe(200);
    expect((await send(BOOKS_QUERY, alice)).status).toBe(429);
    // Another subject has a quota of its own.
    expect((await send(BOOKS_QUERY, bob)).headers.get('ratelimit')).toContain('"gold-quota";r=4;');
    const stranger = await send(BOOKS_QUERY, {
      authorization: token({ plan: 'platinum' }, `carol-${caller}`),
    });
    expect(stranger.status).toBe(200);
    expect(stranger.headers.get('ratelimit-policy')).toBe('"free-rate";q=3;w=1');
  });

  it('drains a cost budget by the actual cost, not the estimate, then refuses with COST_BUDGET_EXHAUSTED until the period resets', async () => {
    const metered = { authorization: token({ plan: 'metered' }, `dora-${caller}`) };
    // Budget 100, each request costs 42 (estimated 550): 0 → 42 → 84 → 126, the third still admitted.
    for (let sent = 0; sent < 3; sent++) {
      const served = await send(COSTLY_QUERY, metered);
      expect(served.status).toBe(200);
      expect(served.headers.get('ratelimit')).toBe(`"metered-cost";r=${100 - sent * COSTLY_ACTUAL};t=50400`);
    }
    const refused = await send(COSTLY_QUERY, metered);
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('COST_BUDGET_EXHAUSTED');
    expect(refused.headers.get('retry-after')).toBe(String(14 * 3600));
    expect(refused.headers.get('ratelimit')).toBe('"metered-cost";r=0;t=50400');
    // A cheaper request is refused too: the budget is spent for the day.
    expect(codeOf(await send(BOOKS_QUERY, metered))).toBe('COST_BUDGET_EXHAUSTED');
    clock.advance(14 * 3600 * 1000);
    expect((await send(COSTLY_QUERY, metered)).status).toBe(200);
  });

  it('charges a batch with the actual cost of each of its operations', async () => {
    const metered = { authorization: token({ plan: 'metered' }, `fred-${caller}`) };
    const batch = await postGraphQL(
      gateway.graphqlUrl,
      JSON.stringify([{ query: COSTLY_QUERY }, { query: COSTLY_QUERY }]),
      metered,
    );
    expect(batch.status).toBe(200);
    const next = await send(BOOKS_QUERY, metered);
    expect(next.headers.get('ratelimit')).toBe(`"metered-cost";r=${100 - 2 * COSTLY_ACTUAL};t=50400`);
  });

  it("nulls a subgraph's fields when its rule is spent, and serves the rest", async () => {
    const gold = { authorization: token({ plan: 'gold' }, `erin-${caller}`) };
    for (let sent = 0; sent < 2; sent++)
      expect((await send(BOTH_QUERY, gold)).body).toEqual({
        data: { books: TITLES, authors: [{ name: 'Ursula' }] },
      });
    const before = authors.operations().length;
    const partial = await send(BOTH_QUERY, gold);
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      data: { books: TITLES, authors: null },
      errors: [
        {
          message: expect.stringContaining('Subgraph "authors" was not called: the rate limit authors-calls'),
          extensions: { code: 'RATE_LIMITED' },
        },
      ],
    });
    expect(authors.operations().length).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import type { RecordingSubgraph } from '../helpers/recording-subgraph.js';
import {
  BOOKS_QUERY,
  deleteKeys,
  startTrafficSubgraphs,
  storeConfig,
  STORES,
  testClock,
  uniquePrefix,
} from '../helpers/traffic.js';

// Gateway-level rules (no plan): counted by a header, a batch counting each of its operations, the
// headers only on refusals when `traffic.headers` is false, and the usage route and top consumers
// the plugin registers.

let books: RecordingSubgraph;
let authors: RecordingSubgraph;

beforeAll(async () => {
  ({ books, authors } = await startTrafficSubgraphs());
});
afterAll(async () => {
  await Promise.all([books?.close(), authors?.close()]);
});

describe.each(STORES)('gateway-level rules on the %s store', (store) => {
  const prefix = uniquePrefix();
  const clock = testClock('2026-12-03T10:00:00.000Z');
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway(
      [books, authors],
      {
        security: { batching: { enabled: true, maxSize: 10 } },
        traffic: {
          store,
          headers: false,
          rules: [{ name: 'per-team', rate: '4/m', key: 'header:X-Team' }],
        },
        ...storeConfig(store, prefix),
      },
      { trafficClock: clock.read },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    if (store === 'redis') await deleteKeys(prefix);
  });

  const send = (body: unknown, team?: string) =>
    postGraphQL(gateway.graphqlUrl, JSON.stringify(body), team === undefined ? {} : { 'x-team': team });

  it('counts by the header, each operation of a batch, and sends the headers only with a refusal', async () => {
    const batch = await send([{ query: BOOKS_QUERY }, { query: BOOKS_QUERY }, { query: BOOKS_QUERY }], 'red');
    expect(batch.status).toBe(200);
    expect(batch.headers.get('ratelimit')).toBeNull();
    // 3 of 4 taken: a batch of 2 is over, a single request is not.
    const over = await send([{ query: BOOKS_QUERY }, { query: BOOKS_QUERY }], 'red');
    expect(over.status).toBe(429);
    expect(over.headers.get('ratelimit-policy')).toBe('"per-team";q=4;w=60');
    expect(over.headers.get('ratelimit')).toBe('"per-team";r=1;t=45');
    // One more token in 15 s (4 per minute): the batch of 2 passes once one more has come back.
    expect(over.headers.get('retry-after')).toBe('15');
    expect((await send({ query: BOOKS_QUERY }, 'red')).status).toBe(200);
    expect((await send({ query: BOOKS_QUERY }, 'red')).status).toBe(429);
    // Another team, and a caller without the header (counted by IP), have limits of their own.
    expect((await send({ query: BOOKS_QUERY }, 'blue')).status).toBe(200);
    expect((await send({ query: BOOKS_QUERY })).status).toBe(200);
  });

  it('registers the usage report and the top consumers on the gateway', async () => {
    const usage = await fetch(`${gateway.url}/admin/usage?ip=127.0.0.1`);
    expect(usage.status).toBe(200);
    const report = (await usage.json()) as { plan: unknown; policies: { name: string }[] };
    expect(report.plan).toBeNull();
    const top = await fetch(`${gateway.url}/admin/api/top-consumers`);
    expect(top.status).toBe(200);
    // Without a plan, callers are ranked as `auto` counts them (here all by IP); a batch is one request.
    expect(await top.json()).toMatchObject({
      period: { id: 'day:2026-12-03' },
      consumers: [{ countedKey: 'ip:127.0.0.1', requests: 4 }],
    });
  });
});

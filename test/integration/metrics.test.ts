import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/auth/api-keys.js';
import type { RunningGateway } from '../../src/server/start.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startFlakySubgraph, type FlakySubgraph } from '../helpers/flaky-subgraph.js';
import { freePort } from '../helpers/free-port.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { samplesOf, scrape, series, total, type Sample } from '../helpers/prometheus.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

/*
 * Prometheus metrics as a scraper reads them: after a known set of requests, every counter and
 * histogram count is exact.
 */

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])`;
const TOKEN = 'a-metrics-token-of-enough-length';

async function startCatalog(): Promise<RecordingSubgraph> {
  return startRecordingSubgraph({
    name: 'catalog',
    // Slow enough that two concurrent requests overlap, and one waits for the other's fetch.
    delayMs: 300,
    sdl: `${FEDERATION} type Query { products: [Product!]! } type Product @key(fields: "upc") { upc: String! }`,
    resolvers: { Query: { products: () => [{ upc: 'p1' }, { upc: 'p2' }] } },
  });
}

async function startStock(): Promise<FlakySubgraph> {
  return startFlakySubgraph({
    name: 'stock',
    sdl: `${FEDERATION} type Query { stock: Int! }`,
    resolvers: { Query: { stock: () => 7 } },
  });
}

describe('metrics at /metrics after a known set of requests', () => {
  let catalog: RecordingSubgraph;
  let stock: FlakySubgraph;
  let gateway: RunningGateway;
  let store: Store;
  let apiKey: string;
  let samples: Sample[];
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-metrics-'));

  beforeAll(async () => {
    [catalog, stock] = await Promise.all([startCatalog(), startStock()]);
    const sqlite = join(dir, 'gatehouse.db');
    gateway = await startTestGateway([catalog, stock], {
      store: { sqlite },
      auth: { apiKeys: {} },
      // The stock subgraph's breaker opens at its first failure, so the gauge has something to show.
      transport: {
        circuitBreaker: {
          subgraphs: { stock: { enabled: true, failureThreshold: 1, resetTimeoutMs: 600_000 } },
        },
      },
    });
    store = await openStore({ sqlite });
    ({ key: apiKey } = await new ApiKeys(store).create({ name: 'ci-bot' }));

    const products = { query: 'query Products { products { upc } }' };
    const web = { 'apollographql-client-name': 'web' };
    // Two successes as client "web", one as the API key "ci-bot".
    for (let i = 0; i < 2; i++)
      expect((await postGraphQL(gateway.graphqlUrl, products, web)).status).toBe(200);
    expect((await postGraphQL(gateway.graphqlUrl, products, { 'x-api-key': apiKey })).status).toBe(200);
    // Refused by identity (an unknown key) and by CSRF prevention (a GET a page could forge).
    const unknownKey = { 'x-api-key': `${apiKey.slice(0, -4)}AAAA` };
    expect((await postGraphQL(gateway.graphqlUrl, products, unknownKey)).status).toBe(401);
    const forged = await fetch(`${gateway.graphqlUrl}?query=${encodeURIComponent('{ products { upc } }')}`);
    expect(forged.status).toBe(400);
    // A subgraph failure: the stock subgraph drops the connection.
    stock.script = ['drop'];
    const failed = await postGraphQL(gateway.graphqlUrl, { query: 'query Stock { stock }' });
    expect(JSON.stringify(failed.body)).toContain('SUBGRAPH_UNAVAILABLE');
    // A de-duplicated pair: the second request waits for the first one's catalog fetch.
    const pair = await Promise.all(
      [0, 1].map(() => postGraphQL(gateway.graphqlUrl, { query: 'query Pair { products { upc } }' })),
    );
    expect(pair.map((response) => response.status)).toEqual([200, 200]);
    expect(catalog.operations()).toHaveLength(4);

    samples = await scrape(`${gateway.url}/metrics`);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([catalog?.close(), stock?.close(), store?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts requests by operation, client and outcome, and their durations', () => {
    const expected = {
      'client=web,operation=Products,outcome=success': 2,
      'client=ci-bot,operation=Products,outcome=success': 1,
      'client=unknown,operation=anonymous,outcome=refused': 2,
      'client=unknown,operation=Stock,outcome=error': 1,
      'client=unknown,operation=Pair,outcome=success': 2,
    };
    expect(series(samples, 'gatehouse_requests_total')).toEqual(expected);
    expect(series(samples, 'gatehouse_request_duration_seconds_count')).toEqual(expected);
    const infBuckets = series(
      samples.filter((sample) => sample.labels.le === '+Inf'),
      'gatehouse_request_duration_seconds_bucket',
    );
    expect(Object.values(infBuckets).reduce((sum, count) => sum + count, 0)).toBe(8);
    // The pair waited for the slow catalog: at least 0.3 s each, so none is in the buckets up to 0.25 s.
    const pairSum = total(samples, 'gatehouse_request_duration_seconds_sum', { operation: 'Pair' });
    expect(pairSum).toBeGreaterThan(0.6);
    const pairBuckets = samplesOf(samples, 'gatehouse_request_duration_seconds_bucket', {
      operation: 'Pair',
    });
    expect(pairBuckets.map((sample) => sample.labels.le)).toEqual([
      ...['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10'],
      '+Inf',
    ]);
    const counts = pairBuckets.map((sample) => sample.value);
    expect(counts.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(counts.at(-1)).toBe(2);
    counts.forEach((count, index) => expect(count).toBeGreaterThanOrEqual(counts[index - 1] ?? 0));
  });

  it('counts the subgraph fetches made, their failures and the de-duplicated ones', () => {
    expect(series(samples, 'gatehouse_subgraph_request_duration_seconds_count')).toEqual({
      'subgraph=catalog': 4,
      'subgraph=stock': 1,
    });
    expect(series(samples, 'gatehouse_subgraph_errors_total')).toEqual({
      'code=SUBGRAPH_UNAVAILABLE,subgraph=stock': 1,
    });
    expect(series(samples, 'gatehouse_subgraph_deduplicated_total')).toEqual({ 'subgraph=catalog': 1 });
  });

  it('counts refusals by plugin and code', () => {
    expect(series(samples, 'gatehouse_refusals_total')).toEqual({
      'code=UNAUTHENTICATED,plugin=identity': 1,
      'code=CSRF_PREVENTED,plugin=csrf-prevention': 1,
    });
  });

  it("shows each circuit breaker's state", () => {
    expect(series(samples, 'gatehouse_circuit_breaker_state')).toEqual({
      'state=closed,subgraph=stock': 0,
      'state=open,subgraph=stock': 1,
      'state=half-open,subgraph=stock': 0,
    });
  });

  it('counts plan-cache hits and misses', () => {
    // Products planned once and found twice; Stock once; the pair's second request finds the first's plan.
    expect(series(samples, 'gatehouse_query_plan_cache_total')).toEqual({
      'result=hit': 3,
      'result=miss': 3,
    });
  });

  it('names the supergraph served, as /ready does, and when it was loaded', async () => {
    const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as {
      detail: { supergraph: { hash: string; loadedAt: string } };
    };
    const { hash, loadedAt } = ready.detail.supergraph;
    expect(series(samples, 'gatehouse_supergraph_info')).toEqual({ [`hash=${hash},version=`]: 1 });
    expect(total(samples, 'gatehouse_supergraph_load_timestamp_seconds')).toBe(Date.parse(loadedAt) / 1000);
  });

  it('includes the Node process metrics', () => {
    expect(total(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(total(samples, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect(total(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('does not count scrapes, health checks or other paths', async () => {
    await fetch(`${gateway.url}/health`);
    await fetch(`${gateway.url}/nowhere`);
    const again = await scrape(`${gateway.url}/metrics`);
    expect(total(again, 'gatehouse_requests_total')).toBe(8);
  });
});

describe('metrics on a port of their own, behind a token', () => {
  let stock: FlakySubgraph;
  let gateway: RunningGateway;
  let metricsUrl: string;

  beforeAll(async () => {
    stock = await startStock();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    gateway = await startTestGateway([stock], { telemetry: { metrics: { port, token: TOKEN } } });
  });

  afterAll(async () => {
    await gateway?.close();
    await stock?.close();
  });

  it('answers on the metrics port, with the token only', async () => {
    expect((await postGraphQL(gateway.graphqlUrl, { query: '{ stock }' })).status).toBe(200);
    const samples = await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}` });
    expect(total(samples, 'gatehouse_requests_total', { outcome: 'success' })).toBe(1);

    for (const authorization of [undefined, `Bearer ${TOKEN}x`, TOKEN, 'Bearer ']) {
      const response = await fetch(metricsUrl, authorization ? { headers: { authorization } } : {});
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    const elsewhere = await fetch(metricsUrl.replace('/metrics', '/graphql'));
    expect(elsewhere.status).toBe(404);
  });

  it('is not served on the gateway port', async () => {
    expect(
      (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(404);
  });

  it('fails the start, saying so, when the metrics port is in use', async () => {
    const taken: Server = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      await expect(startTestGateway([stock], { telemetry: { metrics: { port } } })).rejects.toThrow(
        `Cannot serve metrics on 127.0.0.1:${port} (telemetry.metrics.port): the port is in use`,
      );
    } finally {
      taken.close();
    }
  });
});

describe('label cardinality', () => {
  let stock: FlakySubgraph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    stock = await startStock();
    gateway = await startTestGateway([stock]);
  });

  afterAll(async () => {
    await gateway?.close();
    await stock?.close();
  });

  it('keeps 500 operation and client names and counts the rest as other, under 10,000 distinct ones', async () => {
    const sent = 10_000;
    // Half are named operations; half name no operation of their document, so their name is whatever
    // the client sent (quotes and line breaks included), which only the cap keeps in check.
    const body = (index: number) =>
      index % 2 === 0
        ? { query: `query Op${index} { __typename }` }
        : { query: '{ __typename }', operationName: `"odd"\nname ${index}` };
    let next = 0;
    const sender = async () => {
      while (next < sent) {
        const index = next++;
        const response = await postGraphQL(gateway.graphqlUrl, body(index), {
          'apollographql-client-name': `client-${index}`,
        });
        expect(response.status).toBe(index % 2 === 0 ? 200 : 400);
      }
    };
    await Promise.all(Array.from({ length: 32 }, sender));

    const samples = await scrape(`${gateway.url}/metrics`);
    const requests = samplesOf(samples, 'gatehouse_requests_total');
    const operations = new Set(requests.map((sample) => sample.labels.operation));
    expect(operations.size).toBe(501);
    expect(operations).toContain('other');
    expect([...operations].some((name) => name?.startsWith('"odd"\nname '))).toBe(true);
    expect(new Set(requests.map((sample) => sample.labels.client)).size).toBe(501);
    // 500 kept names, each with the one outcome it had, and `other` with both.
    expect(requests.length).toBe(502);
    expect(total(samples, 'gatehouse_requests_total')).toBe(sent);
    expect(total(samples, 'gatehouse_requests_total', { operation: 'other' })).toBe(sent - 500);
    expect(samplesOf(samples, 'gatehouse_request_duration_seconds_bucket')).toHaveLength(502 * 12);
  }, 180_000);
});

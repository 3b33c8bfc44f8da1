import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { freePort } from '../helpers/free-port.js';
import { postGraphQL, startTestGateway, type GraphQLHttpResponse } from '../helpers/gateway.js';
import type { RecordingSubgraph } from '../helpers/recording-subgraph.js';
import {
  BOOKS_QUERY,
  BOTH_QUERY,
  startTrafficSubgraphs,
  testClock,
  uniquePrefix,
} from '../helpers/traffic.js';

// A Redis store that goes away mid-test: this test runs its own redis-server, kills it, and starts
// it again on the same port. failOpen serves meanwhile, failClosed answers 503; neither makes a
// request wait past traffic.storeTimeoutMs; once Redis is back, the limits apply again.

const STORE_TIMEOUT_MS = 200;
const FREE_PLAN = { defaultPlan: 'free', plans: { free: { rate: '1/s', burst: 2 } } };
/** What a request may take beyond the store's timeout (the subgraph, the gateway, a loaded CI). */
const MARGIN_MS = 400;

let books: RecordingSubgraph;
let authors: RecordingSubgraph;
let port: number;
let redis: ChildProcess | undefined;
let failOpen: RunningGateway;
let failClosed: RunningGateway;
/** failClosed with a per-subgraph rule only: a store failure fails the calls to that subgraph. */
let subgraphRule: RunningGateway;
const logs: { level: number; msg: string }[] = [];
const clock = testClock('2026-12-03T10:00:00.000Z');

async function startRedis(): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  child.stdout?.resume();
  return child;
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (child === undefined || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  ({ books, authors } = await startTrafficSubgraphs());
  port = await freePort();
  redis = await startRedis();
  const start = (onStoreError: string, limits: Record<string, unknown> = FREE_PLAN) =>
    startTestGateway(
      [books, authors],
      {
        logging: { level: 'info' },
        redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: uniquePrefix() },
        traffic: {
          store: 'redis',
          onStoreError,
          storeTimeoutMs: STORE_TIMEOUT_MS,
          ...limits,
        },
      },
      {
        trafficClock: clock.read,
        logStream: {
          write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }),
        },
      },
    );
  [failOpen, failClosed, subgraphRule] = await Promise.all([
    start('failOpen'),
    start('failClosed'),
    start('failClosed', { rules: [{ name: 'authors-calls', subgraph: 'authors', rate: '100/s' }] }),
  ]);
});

afterAll(async () => {
  await Promise.all([failOpen?.close(), failClosed?.close(), subgraphRule?.close()]);
  await stopRedis();
  await Promise.all([books?.close(), authors?.close()]);
});

async function timed(gateway: RunningGateway): Promise<GraphQLHttpResponse & { ms: number }> {
  const started = performance.now();
  const response = await postGraphQL(gateway.graphqlUrl, { query: BOOKS_QUERY });
  return { ...response, ms: performance.now() - started };
}

/** The statuses of `count` requests sent one after the other. */
async function statuses(gateway: RunningGateway, count: number): Promise<number[]> {
  const answers: number[] = [];
  for (let sent = 0; sent < count; sent++) answers.push((await timed(gateway)).status);
  return answers;
}

describe('traffic control over a Redis that goes away and comes back', () => {
  it('limits while Redis answers', async () => {
    expect(await statuses(failOpen, 3)).toEqual([200, 200, 429]);
    expect(await statuses(failClosed, 3)).toEqual([200, 200, 429]);
  });

  it('does not wait on a Redis that hangs (stopped, its connection still open) past the timeout', async () => {
    redis?.kill('SIGSTOP');
    try {
      const [open, closed] = await Promise.all([timed(failOpen), timed(failClosed)]);
      expect(open.status).toBe(200);
      expect(closed.status).toBe(503);
      for (const { ms } of [open, closed]) {
        expect(ms).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 20);
        expect(ms).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);
      }
    } finally {
      redis?.kill('SIGCONT');
    }
    // Back at once: the same connection answers (the late answers to the timed-out calls included),
    // and the burst is still spent.
    for (const gateway of [failOpen, failClosed])
      await expect
        .poll(async () => (await timed(gateway)).status, { timeout: 5_000, interval: 100 })
        .toBe(429);
  });

  it('serves (failOpen) or answers 503 (failClosed) while Redis is down, never waiting past the timeout', async () => {
    await stopRedis();
    for (let sent = 0; sent < 5; sent++) {
      const open = await timed(failOpen);
      expect(open.status).toBe(200);
      expect(open.headers.get('ratelimit')).toBeNull();
      expect(open.ms).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);

      const closed = await timed(failClosed);
      expect(closed.status).toBe(503);
      expect(closed.body).toEqual({
        errors: [
          {
            message: expect.stringContaining('traffic.onStoreError: failClosed') as unknown,
            extensions: { code: 'RATE_LIMIT_STORE_UNAVAILABLE' },
          },
        ],
      });
      expect(JSON.stringify(closed.body)).not.toMatch(/\bat .*\.[jt]s:\d+/);
      expect(closed.ms).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);
    }
    // A per-subgraph rule fails the calls it cannot check, as a failed subgraph; the rest is served.
    const partial = await postGraphQL(subgraphRule.graphqlUrl, { query: BOTH_QUERY });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      data: { books: [{ title: 'book 0' }, { title: 'book 1' }, { title: 'book 2' }], authors: null },
      errors: [{ extensions: { code: 'RATE_LIMIT_STORE_UNAVAILABLE', serviceName: 'authors' } }],
    });
    // One warning per gateway per outage, not one per request: two outages (the hang, the kill)
    // for each plan's gateway, and this one for the subgraph rule's.
    expect(
      logs.filter((line) => line.level === 40 && line.msg.includes('store does not answer')),
    ).toHaveLength(5);
    const ready = (await (await fetch(`${failOpen.url}/ready`)).json()) as {
      detail?: { traffic?: { errors: number; failing: boolean } };
    };
    expect(ready.detail?.traffic).toMatchObject({ failing: true });
    expect(ready.detail?.traffic?.errors).toBeGreaterThanOrEqual(5);
    const metrics = await (await fetch(`${failOpen.url}/metrics`)).text();
    const counted = /^gatehouse_traffic_store_errors_total (\d+)$/m.exec(metrics)?.[1];
    expect(Number(counted), metrics).toBe(ready.detail?.traffic?.errors);
  });

  it('applies the limits again once Redis is back on the same port', async () => {
    redis = await startRedis();
    // The shared client reconnects by itself (within its 2 s back-off); the new Redis is empty.
    await expect
      .poll(async () => (await timed(failClosed)).status, { timeout: 10_000, interval: 100 })
      .not.toBe(503);
    await expect
      .poll(async () => (await timed(failOpen)).headers.get('ratelimit'), { timeout: 10_000, interval: 100 })
      .not.toBeNull();
    // Each poll stopped at the first request the store counted: one of the burst of 2 is left (the
    // test's clock does not move, so nothing refills).
    expect(await statuses(failOpen, 2)).toEqual([200, 429]);
    expect(await statuses(failClosed, 2)).toEqual([200, 429]);
    expect(logs.filter((line) => line.level === 30 && line.msg.includes('store answers again'))).toHaveLength(
      4,
    );
  });
});

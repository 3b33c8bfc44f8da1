import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';

/**
 * Two gateway processes (replicas) share one Redis: together they let through exactly a plan's
 * quota, and hold a plan's rate within 5% over 10 s. Each plan belongs to its own API key (the keys
 * live in a SQLite file both replicas read), so that one test's traffic does not touch the other's.
 */
const KEY = /gh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;
const QUERY = { query: '{ me { id } }' };
const QUOTA = 300;
const RATE = 40;
const RATE_WINDOW_S = 10;

let dir: string;
let prefix: string;
let accounts: RunningService;
let redis: Redis;
const replicas: CliProcess[] = [];
const urls: string[] = [];
const keys: Record<'metered' | 'steady', string> = { metered: '', steady: '' };

/**
 * A time zone where it is about noon now, so that the day period cannot end during the test
 * whatever the hour it runs at (`Etc/GMT-3` is UTC+3).
 */
function zoneNearNoon(now = new Date()): string {
  const offset = 12 - now.getUTCHours();
  if (offset === 0) return 'UTC';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-traffic-replicas-'));
  prefix = `t13:${randomUUID()}:`;
  redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  accounts = await serveSubgraph(accountsSubgraph);
  const config = join(dir, 'gatehouse.yaml');
  writeFileSync(
    config,
    [
      'subgraphs:',
      `  - { name: accounts, url: "${accounts.url}" }`,
      'auth: { apiKeys: {} }',
      'store: { sqlite: data/gatehouse.db }',
      `redis: { url: "redis://127.0.0.1:6379", keyPrefix: "${prefix}" }`,
      'traffic:',
      '  store: redis',
      `  timeZone: ${zoneNearNoon()}`,
      '  plans:',
      `    metered: { quota: ${QUOTA}/day }`,
      `    steady: { rate: ${RATE}/s, burst: ${RATE} }`,
      'logging: { level: silent }',
    ].join('\n'),
  );
  for (const plan of ['metered', 'steady'] as const) {
    const created = await runCli(['keys', 'create', '--name', plan, '--plan', plan, '--config', config]);
    expect(created.code, created.stderr).toBe(0);
    keys[plan] = KEY.exec(created.stdout)?.[0] ?? '';
  }
  for (let i = 0; i < 2; i++)
    replicas.push(startCli(['serve', '--config', config, '--port', '0', '--workers', '1']));
  for (const replica of replicas) urls.push(await replica.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/));
}, 90_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await accounts?.close();
  if (redis) {
    const left = await redis.keys(`${prefix}*`);
    if (left.length > 0) await redis.del(...left);
    redis.disconnect();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Sends through both replicas in turn from `clients` concurrent loops until `more()` says stop. */
async function load(
  key: string,
  clients: number,
  more: (sent: number) => boolean,
): Promise<{ served: number; refused: number; other: number[]; refusals: unknown[]; retryAfter: string[] }> {
  const result = {
    served: 0,
    refused: 0,
    other: [] as number[],
    refusals: [] as unknown[],
    retryAfter: [] as string[],
  };
  let sent = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (more(sent)) {
        const url = urls[sent++ % urls.length] ?? '';
        const response = await postGraphQL(url, QUERY, { 'x-api-key': key });
        if (response.status === 200) result.served++;
        else if (response.status === 429) {
          result.refused++;
          if (result.refusals.length < 5) result.refusals.push(response.body);
          result.retryAfter.push(response.headers.get('retry-after') ?? '');
        } else result.other.push(response.status);
      }
    }),
  );
  return result;
}

describe('traffic control across two replicas on one Redis', () => {
  it('serves exactly the quota when 3× the quota comes through both', { timeout: 60_000 }, async () => {
    const result = await load(keys.metered, 48, (sent) => sent < 3 * QUOTA);
    expect(result.other).toEqual([]);
    expect(result.served).toBe(QUOTA);
    expect(result.refused).toBe(2 * QUOTA);
    for (const body of result.refusals)
      expect(body).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
    // Until the day ends (about 12 h away in the zone chosen): whole seconds, in the future.
    for (const value of result.retryAfter) expect(Number(value)).toBeGreaterThan(3_600);

    // Each replica reads the same counter.
    for (const url of urls) {
      const response = await fetch(url.replace(/\/graphql$/, '/admin/usage?key=metered'));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        plan: 'metered',
        policies: [{ name: 'metered-quota', used: QUOTA, remaining: 0 }],
      });
    }
  });

  it(
    `holds ${RATE}/s (burst ${RATE}) within 5% over ${RATE_WINDOW_S} s through both`,
    { timeout: 60_000 },
    async () => {
      const started = Date.now();
      const result = await load(keys.steady, 8, () => Date.now() - started < RATE_WINDOW_S * 1000);
      const elapsedS = (Date.now() - started) / 1000;
      expect(result.other).toEqual([]);
      // The burst at once, then the rate for the rest of the window.
      const expected = RATE + RATE * elapsedS;
      expect(result.served).toBeGreaterThanOrEqual(Math.floor(expected * 0.95));
      expect(result.served).toBeLessThanOrEqual(Math.ceil(expected * 1.05));
      // The load was well over the rate, or the test says nothing.
      expect(result.refused).toBeGreaterThan(result.served);
    },
  );
});

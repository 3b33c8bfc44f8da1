import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/registry/types.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

/*
 * Usage-aware checks end to end, as a team meets them: a gateway that embeds the registry and
 * follows its stage reports the operations clients send; a change that removes a field one of them
 * reads is refused, naming the operation and client, while removing a field nobody used is allowed.
 */

const TOKEN = 'usage-checks-test-token';
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Product @key(fields: "id") { id: ID! name: String! price: Float! legacyCode: String }
  type Query { products: [Product!]! }`;

let shop: RecordingSubgraph;
let dir: string;
let gateway: RunningGateway;

beforeAll(async () => {
  shop = await startRecordingSubgraph({
    name: 'shop',
    sdl: SDL,
    resolvers: { Query: { products: () => [{ id: 'p1', name: 'Lamp', price: 30, legacyCode: 'L-1' }] } },
  });
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-usage-checks-'));
  gateway = await startTestGateway([shop], {
    registry: { embedded: true, tokens: [{ name: 'ci', token: TOKEN }], usage: { flushIntervalMs: 100 } },
    supergraph: { registry: 'embedded' },
    store: { sqlite: join(dir, 'registry.db') },
  });
});

afterAll(async () => {
  await gateway.close();
  await shop.close();
  rmSync(dir, { recursive: true, force: true });
});

async function check(sdl: string): Promise<CheckReport> {
  const response = await fetch(`${gateway.url}/registry/v1/stages/dev/checks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ name: 'shop', url: shop.url, sdl }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { report: CheckReport }).report;
}

describe('usage-aware checks against what a gateway reported', () => {
  it('refuses removing a field a client used, naming it, and allows removing one nobody used', async () => {
    const served = await postGraphQL(
      gateway.graphqlUrl,
      { query: 'query ShopPrices { products { name price } }' },
      { 'apollographql-client-name': 'storefront', 'apollographql-client-version': '2.1.0' },
    );
    expect(served.body).toEqual({ data: { products: [{ name: 'Lamp', price: 30 }] } });

    // The gateway flushes its batch every 100 ms; the registry then knows Product.price is used.
    const withoutPrice = SDL.replace(' price: Float!', '');
    let report = await check(withoutPrice);
    for (let waited = 0; report.ok && waited < 5_000; waited += 100) {
      await sleep(100);
      report = await check(withoutPrice);
    }
    expect(report).toMatchObject({ ok: false, blockingChanges: 1 });
    const removal = report.changes.find((change) => change.path === 'Product.price');
    expect(removal?.criticality).toBe('BREAKING');
    expect(removal?.affected).toEqual([
      expect.objectContaining({
        operationName: 'ShopPrices',
        clients: [{ name: 'storefront', version: '2.1.0' }],
        count: 1,
      }),
    ]);

    const withoutLegacyCode = SDL.replace(' legacyCode: String', '');
    const unused = await check(withoutLegacyCode);
    expect(unused).toMatchObject({ ok: true, blockingChanges: 0, safeBreakingChanges: 1 });
    expect(unused.changes.find((change) => change.path === 'Product.legacyCode')?.affected).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { CoordinateUsage, UsageRecord } from '../../src/store/registry.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

/*
 * Usage reports as a gateway makes them: clients send operations over HTTP, the gateway counts the
 * ones that ran (signature, client, coordinates) and sends them in batches to a registry store on
 * a real SQLite file, where a check would look them up with `usageOf`.
 */

const PRODUCTS = [
  { id: 'p1', name: 'Lamp', price: 30 },
  { id: 'p2', name: 'Desk', price: 120 },
];

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  enum Sort { NAME PRICE }
  input Filter { maxPrice: Float sort: Sort }
  interface Node { id: ID! }
  type Product implements Node @key(fields: "id") { id: ID! name: String! price: Float! }
  type Query { products(filter: Filter, first: Int): [Product!]! node(id: ID!): Node }`;

const PRODUCTS_QUERY = `query Products($first: Int) {
  products(filter: { maxPrice: 100, sort: PRICE }, first: $first) { id name price }
}`;
/** The same operation written differently: whitespace, literal values, aliases and field order. */
const PRODUCTS_QUERY_AGAIN = `query Products($first: Int) { products(first: $first, filter: {maxPrice: 5.5,
  sort: PRICE}) { price label: name id } }`;

let shop: RecordingSubgraph;
let dir: string;
let store: Store | undefined;
let gateway: RunningGateway | undefined;

beforeAll(async () => {
  shop = await startRecordingSubgraph({
    name: 'shop',
    sdl: SDL,
    resolvers: {
      Query: {
        products: () => PRODUCTS,
        node: (_: unknown, { id }: { id: string }) => PRODUCTS.find((product) => product.id === id),
      },
      Node: { __resolveType: () => 'Product' },
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-usage-'));
});

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await store?.close();
  store = undefined;
});

afterAll(async () => {
  await shop.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openRegistryStore(name: string): Promise<Store> {
  store = await openStore({ sqlite: join(dir, `${name}.sqlite`) });
  return store;
}

async function startReportingGateway(
  sampleRate: number,
  usageSink: (records: UsageRecord[]) => Promise<void>,
): Promise<RunningGateway> {
  gateway = await startTestGateway(
    [shop],
    { stage: 'test', registry: { usage: { sampleRate, flushIntervalMs: 100 } } },
    { usageSink },
  );
  return gateway;
}

const SINCE = new Date(Date.now() - 24 * 3600_000);

/** What `usageOf` says, without the timestamps, in a stable order. */
async function usage(repository: Store, coordinates: string[]) {
  const found = await repository.registry.usageOf('test', coordinates, SINCE);
  return found
    .map(({ lastSeen: _lastSeen, operationHash: _hash, ...rest }: CoordinateUsage) => rest)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

describe('usage reporting', () => {
  it('reports each operation that ran with its client, coordinates and count, batched into the registry store', async () => {
    const repository = await openRegistryStore('reported');
    const running = await startReportingGateway(1, (records) => repository.registry.recordUsage(records));
    const web = { 'apollographql-client-name': 'web', 'apollographql-client-version': '1.2.0' };
    const ios = { 'graphql-client-name': 'ios', 'graphql-client-version': '7' };

    for (const [query, headers] of [
      [PRODUCTS_QUERY, web],
      [PRODUCTS_QUERY_AGAIN, web],
      [PRODUCTS_QUERY, ios],
    ] as const) {
      const response = await postGraphQL(running.graphqlUrl, { query, variables: { first: 2 } }, headers);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ data: { products: expect.any(Array) } });
    }
    // Refused before execution: not reported.
    const invalid = await postGraphQL(
      running.graphqlUrl,
      { query: 'query Broken { products { id nope } }' },
      web,
    );
    expect(invalid.status).toBe(400);
    const unresolved = await postGraphQL(
      running.graphqlUrl,
      { query: 'query A { products { id } } query B { products { name } }', operationName: 'Missing' },
      web,
    );
    expect(unresolved.status).toBe(400);

    // The interval flush sends the batch while the gateway runs.
    const reported = await eventually(
      () => usage(repository, ['Product.price']),
      (found) => found.length === 2,
    );
    expect(reported).toEqual([
      {
        coordinate: 'Product.price',
        operationName: 'Products',
        clientName: 'ios',
        clientVersion: '7',
        count: 1,
      },
      {
        coordinate: 'Product.price',
        operationName: 'Products',
        clientName: 'web',
        clientVersion: '1.2.0',
        count: 2,
      },
    ]);
    // Every coordinate the operation reads leads back to it, and nothing else does.
    for (const coordinate of [
      'Query.products',
      'Query.products.filter',
      'Query.products.first',
      'Filter.maxPrice',
      'Filter.sort',
      'Sort.PRICE',
      'Product.id',
      'Product.name',
    ]) {
      expect((await usage(repository, [coordinate])).map(({ clientName }) => clientName)).toEqual([
        'ios',
        'web',
      ]);
    }
    expect(await usage(repository, ['Sort.NAME', 'Query.node', 'Node.id'])).toEqual([]);

    // An anonymous operation through an interface, without client headers, is sent when the gateway stops.
    const anonymous = await postGraphQL(running.graphqlUrl, {
      query: '{ node(id: "p1") { id ... on Product { name } } }',
    });
    expect(anonymous.body).toEqual({ data: { node: { id: 'p1', name: 'Lamp' } } });
    await running.close();
    gateway = undefined;
    expect(await usage(repository, ['Node.id'])).toEqual([
      {
        coordinate: 'Node.id',
        operationName: '(anonymous)',
        clientName: 'unknown',
        clientVersion: 'unknown',
        count: 1,
      },
    ]);
    expect(await usage(repository, ['Query.products'])).not.toContainEqual(
      expect.objectContaining({ operationName: expect.stringMatching(/^(Broken|A|B)$/) }),
    );
  });

  it('reports nothing at a sample rate of 0', async () => {
    const repository = await openRegistryStore('unsampled');
    const sent: UsageRecord[][] = [];
    const running = await startReportingGateway(0, async (records) => {
      sent.push(records);
      await repository.registry.recordUsage(records);
    });
    for (let index = 0; index < 5; index++) {
      const response = await postGraphQL(running.graphqlUrl, {
        query: PRODUCTS_QUERY,
        variables: { first: 1 },
      });
      expect(response.status).toBe(200);
    }
    await running.close();
    gateway = undefined;
    expect(sent).toEqual([]);
    expect(await usage(repository, ['Query.products', 'Product.id'])).toEqual([]);
  });

  it('never lets a failing destination affect a request or the shutdown', async () => {
    let attempts = 0;
    const running = await startReportingGateway(1, async () => {
      attempts += 1;
      throw new Error('registry is down');
    });
    const response = await postGraphQL(running.graphqlUrl, { query: PRODUCTS_QUERY });
    expect(response).toMatchObject({ status: 200, body: { data: { products: expect.any(Array) } } });
    await eventually(
      async () => attempts,
      (count) => count > 0,
    );
    await postGraphQL(running.graphqlUrl, { query: PRODUCTS_QUERY });
    await running.close();
    gateway = undefined;
    expect(attempts).toBe(2);
  });
});

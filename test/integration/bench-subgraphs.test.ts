import { composeServices } from '@apollo/composition';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchSubgraphDefinitions,
  benchSubgraphNames,
  startBenchSubgraph,
  type BenchSubgraphName,
  type RunningBenchSubgraph,
} from '../../bench/subgraphs/index.js';
import { readBenchFile, supergraphWithUrls } from '../../bench/subgraphs/workload.js';

const query = readBenchFile('query.graphql');
const expected = readBenchFile('expected.json');

const subgraphs = new Map<BenchSubgraphName, RunningBenchSubgraph>();
let server: ApolloServer | undefined;
let httpUrl = '';

function subgraph(name: BenchSubgraphName): RunningBenchSubgraph {
  const found = subgraphs.get(name);
  if (!found) throw new Error(`${name} is not running`);
  return found;
}

function requestCounts(): Record<BenchSubgraphName, number> {
  return Object.fromEntries(
    benchSubgraphNames.map((name) => [name, subgraph(name).requestCount()]),
  ) as Record<BenchSubgraphName, number>;
}

function total(counts: Record<BenchSubgraphName, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  for (const name of benchSubgraphNames) subgraphs.set(name, await startBenchSubgraph(name, { port: 0 }));
  const urls = Object.fromEntries(benchSubgraphNames.map((name) => [name, subgraph(name).url]));
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphWithUrls(readBenchFile('supergraph.graphql'), urls),
  });
  server = new ApolloServer({ gateway });
  ({ url: httpUrl } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } }));
});

afterAll(async () => {
  await server?.stop();
  await Promise.all([...subgraphs.values()].map((running) => running.close()));
});

beforeEach(() => {
  for (const running of subgraphs.values()) running.resetRequestCount();
});

describe('benchmark subgraphs', () => {
  it('compose into the shared supergraph', () => {
    const composed = composeServices(
      benchSubgraphNames.map((name) => ({
        name,
        url: `http://${name}.test/graphql`,
        typeDefs: benchSubgraphDefinitions[name].typeDefs,
      })),
    );
    if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
    const urls = Object.fromEntries(benchSubgraphNames.map((name) => [name, `http://${name}.test/graphql`]));
    const shared = supergraphWithUrls(readBenchFile('supergraph.graphql'), urls);
    expect(printSchema(Supergraph.build(composed.supergraphSdl).schema)).toBe(
      printSchema(Supergraph.build(shared).schema),
    );
  });

  it('answer query.graphql through a plain ApolloGateway with exactly expected.json', async () => {
    if (!server) throw new Error('gateway not started');
    // expected.json is the compact JSON.stringify form, without a trailing newline.
    expect(expected.endsWith('}')).toBe(true);
    for (let run = 0; run < 2; run++) {
      const response = await server.executeOperation({ query, operationName: 'TestQuery' });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const serialised = JSON.stringify(response.body.singleResult);
      expect(serialised.length).toBe(expected.length);
      expect(serialised === expected).toBe(true);
    }
    // Two runs; Apollo's query plan makes 16 subgraph requests per run, whether planned or cached.
    expect(requestCounts()).toEqual({ accounts: 6, inventory: 14, products: 8, reviews: 4 });
    expect(total(requestCounts())).toBe(32);
  });

  it('answer over HTTP with expected.json plus the newline Apollo Server appends', async () => {
    const response = await fetch(new URL('/graphql', httpUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, operationName: 'TestQuery' }),
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body === `${expected}\n`).toBe(true);
    expect(total(requestCounts())).toBe(16);
  });

  it('count requests and serve the counter endpoints', async () => {
    const accounts = subgraph('accounts');
    const base = accounts.url.replace(/\/graphql$/, '');
    await post(accounts.url, { query: '{ me { id } }' });
    await post(accounts.url, { query: '{ me { id } }' });
    expect(await (await fetch(`${base}/__count`)).json()).toEqual({ count: 2 });
    expect(await (await fetch(`${base}/__reset`, { method: 'POST' })).json()).toEqual({
      count: 0,
      previous: 2,
    });
    expect(accounts.requestCount()).toBe(0);
  });

  it('reproduce the quirks of the published services', async () => {
    // inventory drops the price and weight it is sent: shippingEstimate is null.
    expect(
      await post(subgraph('inventory').url, {
        query: `query ($representations: [_Any!]!) {
          _entities(representations: $representations) { ... on Product { upc inStock shippingEstimate } }
        }`,
        variables: { representations: [{ __typename: 'Product', upc: '3', price: 15, weight: 20 }] },
      }),
    ).toEqual({ data: { _entities: [{ upc: '3', inStock: false, shippingEstimate: null }] } });
    // reviews: any user is "user" with reviews 1 and 2, every author is urigo, products without reviews get [].
    expect(
      await post(subgraph('reviews').url, {
        query: `query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Product { upc reviews { id } }
            ... on User { id username reviews { id author { id username } } }
          }
        }`,
        variables: {
          representations: [
            { __typename: 'User', id: '4' },
            { __typename: 'Product', upc: '4' },
            { __typename: 'Product', upc: '9' },
          ],
        },
      }),
    ).toEqual({
      data: {
        _entities: [
          {
            id: '4',
            username: 'user',
            reviews: [
              { id: '1', author: { id: '1', username: 'urigo' } },
              { id: '2', author: { id: '1', username: 'urigo' } },
            ],
          },
          { upc: '4', reviews: [{ id: '10' }, { id: '11' }] },
          { upc: '9', reviews: [] },
        ],
      },
    });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../src/server/start.js';
import { exampleServices } from '../../../subgraphs/index.js';
import { shippingEstimate, stock } from '../../../subgraphs/inventory/data.js';
import type { RunningService } from '../../../subgraphs/lib/serve-subgraph.js';
import { products } from '../../../subgraphs/products/data.js';
import { postGraphQL } from '../../helpers/gateway.js';
import {
  startConnectorGateway,
  startRestService,
  type GraphQLBody,
  type RestService,
} from '../../helpers/rest-services.js';

// The example graph as `npm start` serves it: schema/inventory.graphql, unchanged, joins the
// inventory REST service to the three GraphQL example subgraphs. A recording proxy in front of the
// inventory service counts the calls the connectors make.
const inventorySdl = readFileSync(join(import.meta.dirname, '../../../schema/inventory.graphql'), 'utf8');

const running = new Map<string, RunningService>();
let inventoryProxy: RestService;
let gateway: RunningGateway;

const startExampleGateway = (overrides: Record<string, unknown> = {}) =>
  startConnectorGateway({
    graphql: ['accounts', 'products', 'reviews'].map((name) => ({ name, url: running.get(name)?.url ?? '' })),
    rest: [{ name: 'inventory', sdl: inventorySdl, sources: { inventory: inventoryProxy.url } }],
    overrides,
  });

beforeAll(async () => {
  for (const example of exampleServices) running.set(example.name, await example.start({ port: 0 }));
  const inventoryUrl = running.get('inventory')?.url ?? '';
  inventoryProxy = await startRestService((app) => {
    app.get('/*', async (request, reply) => {
      const response = await fetch(`${inventoryUrl}${request.raw.url ?? ''}`);
      return reply
        .code(response.status)
        .type(response.headers.get('content-type') ?? 'application/json')
        .send(await response.text());
    });
  });
  gateway = await startExampleGateway();
});

afterAll(async () => {
  await gateway?.close();
  await inventoryProxy?.close();
  await Promise.all([...running.values()].map((service) => service.close()));
});

beforeEach(() => {
  inventoryProxy.calls.length = 0;
});

async function query(text: string): Promise<GraphQLBody> {
  return (await postGraphQL(gateway.graphqlUrl, { query: text })).body as GraphQLBody;
}

const paths = () => inventoryProxy.calls.map((call) => call.url.split('?')[0] ?? '');

describe('the example graph with its inventory connector', () => {
  it('topProducts with stock and shipping: one /inventory call for all products', async () => {
    const body = await query('{ topProducts { upc inStock shippingEstimate } }');
    const top = products.slice(0, 5);
    expect(body).toEqual({
      data: {
        topProducts: top.map(({ upc, price, weight }) => ({
          upc,
          inStock: (stock.get(upc)?.quantity ?? 0) > 0,
          shippingEstimate: shippingEstimate(price, weight),
        })),
      },
    });
    expect(paths().filter((path) => path === '/inventory')).toHaveLength(1);
    expect(inventoryProxy.calls.find((call) => call.url.startsWith('/inventory?'))?.query).toEqual({
      upc: top.map(({ upc }) => upc).join(','),
    });
    // One shipping estimate per product, each with the price and weight from the products subgraph.
    expect(
      paths()
        .filter((path) => path.startsWith('/shipping/'))
        .sort(),
    ).toEqual(top.map(({ upc }) => `/shipping/${upc}`).sort());
  });

  it('stock only: no shipping calls', async () => {
    const body = await query('{ topProducts(first: 3) { name quantity warehouse } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.topProducts).toEqual(
      products.slice(0, 3).map(({ upc, name }) => ({
        name,
        quantity: stock.get(upc)?.quantity,
        warehouse: stock.get(upc)?.warehouse,
      })),
    );
    expect(paths()).toEqual(['/inventory']);
  });

  it('shipping only: no /inventory call', async () => {
    const body = await query('{ topProducts(first: 2) { shippingEstimate } }');
    expect(body.errors).toBeUndefined();
    expect(paths().filter((path) => path === '/inventory')).toEqual([]);
  });

  it('stockLevel(upc:) is a REST root field whose product gets its name from the products subgraph', async () => {
    const body = await query('{ stockLevel(upc: "2") { upc name inStock quantity } }');
    const product = products.find(({ upc }) => upc === '2');
    expect(body).toEqual({
      data: {
        stockLevel: {
          upc: '2',
          name: product?.name,
          inStock: true,
          quantity: stock.get('2')?.quantity,
        },
      },
    });
    expect(inventoryProxy.calls.map((call) => call.url)).toEqual(['/inventory/2']);
  });

  // The response's HTTP status is left to errors.test.ts, which shows it is the REST service's 404.
  it('stockLevel of an unknown product: CONNECTOR_HTTP_ERROR, no data', async () => {
    const body = await query('{ stockLevel(upc: "999") { name } }');
    expect(body.data).toEqual({ stockLevel: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONNECTOR_HTTP_ERROR',
      connector: { coordinate: 'inventory:Query.stockLevel@connect[0]' },
    });
  });

  it('a query across all four subgraphs', async () => {
    const body = await query('{ users { username reviews { rating product { name inStock } } } }');
    expect(body.errors).toBeUndefined();
    const reviewed = (
      body.data?.users as { reviews: { product: { name: string; inStock: boolean | null } }[] }[]
    ).flatMap((user) => user.reviews.map((review) => review.product));
    expect(reviewed.length).toBeGreaterThan(0);
    for (const product of reviewed) expect(typeof product.inStock).toBe('boolean');
    expect(paths().filter((path) => path === '/inventory')).toHaveLength(1);
  });

  it("Apollo's executor gives the same answers with the same backend calls", async () => {
    const apollo = await startExampleGateway({ execution: { engine: 'apollo' } });
    try {
      const text =
        '{ topProducts { upc name inStock shippingEstimate } stockLevel(upc: "4") { name quantity } }';
      const expected = await query(text);
      expect(expected.errors).toBeUndefined();
      const ours = paths().sort();
      inventoryProxy.calls.length = 0;
      const response = await postGraphQL(apollo.graphqlUrl, { query: text });
      expect(response.body).toEqual(expected);
      expect(paths().sort()).toEqual(ours);
    } finally {
      await apollo.close();
    }
  });
});

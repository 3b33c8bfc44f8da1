import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../src/server/start.js';
import { serveSubgraph, type RunningService } from '../../../subgraphs/lib/serve-subgraph.js';
import { postGraphQL } from '../../helpers/gateway.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type GraphQLBody,
  type RestService,
} from '../../helpers/rest-services.js';

// Twenty products in three categories come from a GraphQL subgraph; their stock comes from a REST
// service that has a batch endpoint, their category names from one that has not.
const PRODUCTS = Array.from({ length: 20 }, (_, index) => ({
  upc: `p${index + 1}`,
  category: `c${(index % 3) + 1}`,
}));

const catalogSubgraph = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])
    type Product @key(fields: "upc") {
      upc: String!
      category: String!
    }
    type Query {
      products(count: Int!): [Product!]!
    }
  `),
  resolvers: {
    Query: { products: (_: unknown, { count }: { count: number }) => PRODUCTS.slice(0, count) },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc),
    },
  },
};

const GET_BATCH = `GET: "/stock?upc={$batch.upc->joinNotNull(',')}"`;

function stockSdl(batch: string, http: string = GET_BATCH): string {
  return `${connectorSchemaHeader(['stock'])}

type Product
  @key(fields: "upc")
  @connect(
    source: "stock"
    http: { ${http} }
    ${batch}
    selection: "upc quantity"
  ) {
  upc: String!
  quantity: Int
  category: String! @external
  categoryName: String
    @requires(fields: "category")
    @connect(source: "stock", http: { GET: "/categories/{$this.category}" }, selection: "$.name")
}

type Category { id: ID! name: String }

type Query {
  category(id: ID!): Category
    @connect(source: "stock", http: { GET: "/categories/{$args.id}" }, selection: "id name")
}
`;
}

/** UPCs the stock service leaves out of its answers, as if it did not know them. */
const unknown = new Set<string>();
let failing = false;

const stockItems = (upcs: readonly string[]) =>
  upcs
    .filter((upc) => !unknown.has(upc))
    // Not in request order: results are matched back by key.
    .reverse()
    .map((upc) => ({ upc, quantity: Number(upc.slice(1)) * 10 }));

async function startStockService(): Promise<RestService> {
  return startRestService((app) => {
    app.get<{ Querystring: { upc: string } }>('/stock', async (request, reply) =>
      failing ? reply.code(500).send({ error: 'down' }) : stockItems(request.query.upc.split(',')),
    );
    app.post<{ Body: { upcs: string[] } }>('/stock/batch', async (request) => ({
      results: stockItems(request.body.upcs),
    }));
    app.get<{ Params: { id: string } }>('/categories/:id', async (request) => ({
      id: request.params.id,
      name: `Category ${request.params.id.toUpperCase()}`,
    }));
  });
}

let catalog: RunningService;

beforeAll(async () => {
  catalog = await serveSubgraph(catalogSubgraph);
});

afterAll(async () => {
  await catalog?.close();
});

beforeEach(() => {
  unknown.clear();
  failing = false;
});

// The response's HTTP status after a connector error is errors.test.ts's subject.
async function query(gateway: RunningGateway, text: string): Promise<GraphQLBody> {
  return (await postGraphQL(gateway.graphqlUrl, { query: text })).body as GraphQLBody;
}

const expectedQuantity = (upc: string) => Number(upc.slice(1)) * 10;

describe('$batch without a size limit', () => {
  let stock: RestService;
  let gateway: RunningGateway;

  beforeAll(async () => {
    stock = await startStockService();
    gateway = await startConnectorGateway({
      graphql: [{ name: 'catalog', url: catalog.url }],
      rest: [{ name: 'stock', sdl: stockSdl(''), sources: { stock: stock.url } }],
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await stock?.close();
  });

  beforeEach(() => {
    stock.calls.length = 0;
  });

  it('20 entities: one backend call with every key, results matched back by key', async () => {
    const body = await query(gateway, '{ products(count: 20) { upc quantity } }');
    expect(body).toEqual({
      data: { products: PRODUCTS.map(({ upc }) => ({ upc, quantity: expectedQuantity(upc) })) },
    });
    const calls = stock.callsTo('GET', '/stock');
    expect(calls).toHaveLength(1);
    expect(String(calls[0]?.query.upc).split(',')).toEqual(PRODUCTS.map(({ upc }) => upc));
  });

  it('a key the service leaves out: that entity has no data, the others are right', async () => {
    unknown.add('p7');
    unknown.add('p20');
    const body = await query(gateway, '{ products(count: 20) { upc quantity } }');
    expect(body.data?.products).toEqual(
      PRODUCTS.map(({ upc }) => ({ upc, quantity: unknown.has(upc) ? null : expectedQuantity(upc) })),
    );
    expect(stock.callsTo('GET', '/stock')).toHaveLength(1);
  });

  it('a failing batch call: the entities get null with CONNECTOR_HTTP_ERROR, the catalog data stays', async () => {
    failing = true;
    const body = await query(gateway, '{ products(count: 5) { upc quantity } }');
    expect(body.data?.products).toEqual(PRODUCTS.slice(0, 5).map(({ upc }) => ({ upc, quantity: null })));
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) expect(error.extensions?.code).toBe('CONNECTOR_HTTP_ERROR');
    expect(stock.callsTo('GET', '/stock')).toHaveLength(1);
  });

  it('each client request makes its own batch', async () => {
    await query(gateway, '{ products(count: 4) { quantity } }');
    await query(gateway, '{ products(count: 4) { quantity } }');
    expect(stock.callsTo('GET', '/stock').map((call) => call.url)).toEqual([
      '/stock?upc=p1%2Cp2%2Cp3%2Cp4',
      '/stock?upc=p1%2Cp2%2Cp3%2Cp4',
    ]);
  });

  it('no batch endpoint: 20 entities over 3 distinct categories make 3 calls', async () => {
    const body = await query(gateway, '{ products(count: 20) { upc categoryName } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.products).toEqual(
      PRODUCTS.map(({ upc, category }) => ({ upc, categoryName: `Category ${category.toUpperCase()}` })),
    );
    expect(
      stock
        .callsTo('GET', '/categories/:id')
        .map((call) => call.url)
        .sort(),
    ).toEqual(['/categories/c1', '/categories/c2', '/categories/c3']);
    expect(stock.callsTo('GET', '/stock')).toHaveLength(0);
  });

  it('the same connector with the same arguments twice in one request: one call', async () => {
    const body = await query(
      gateway,
      '{ a: category(id: "c1") { name } b: category(id: "c1") { id name } c: category(id: "c2") { name } }',
    );
    expect(body).toEqual({
      data: { a: { name: 'Category C1' }, b: { id: 'c1', name: 'Category C1' }, c: { name: 'Category C2' } },
    });
    expect(stock.calls.map((call) => call.url).sort()).toEqual(['/categories/c1', '/categories/c2']);
  });

  it('an identical request from two different connectors in one client request is sent once', async () => {
    const body = await query(gateway, '{ category(id: "c1") { name } products(count: 3) { categoryName } }');
    expect(body.errors).toBeUndefined();
    expect(stock.calls.map((call) => call.url).sort()).toEqual([
      '/categories/c1',
      '/categories/c2',
      '/categories/c3',
    ]);
  });

  it('two client requests share nothing', async () => {
    await query(gateway, '{ category(id: "c1") { name } }');
    await query(gateway, '{ category(id: "c1") { name } }');
    expect(stock.calls.map((call) => call.url)).toEqual(['/categories/c1', '/categories/c1']);
  });

  it('concurrent client requests share nothing either', async () => {
    await Promise.all(Array.from({ length: 5 }, () => query(gateway, '{ products(count: 2) { quantity } }')));
    expect(stock.callsTo('GET', '/stock')).toHaveLength(5);
  });
});

describe('$batch with batch: { maxSize: 5 }', () => {
  let stock: RestService;
  let gateway: RunningGateway;

  beforeAll(async () => {
    stock = await startStockService();
    gateway = await startConnectorGateway({
      graphql: [{ name: 'catalog', url: catalog.url }],
      rest: [{ name: 'stock', sdl: stockSdl('batch: { maxSize: 5 }'), sources: { stock: stock.url } }],
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await stock?.close();
  });

  it('20 entities: 4 calls of 5 keys each, every entity answered', async () => {
    unknown.add('p12');
    const body = await query(gateway, '{ products(count: 20) { upc quantity } }');
    expect(body.data?.products).toEqual(
      PRODUCTS.map(({ upc }) => ({ upc, quantity: upc === 'p12' ? null : expectedQuantity(upc) })),
    );
    const batches = stock.callsTo('GET', '/stock').map((call) => String(call.query.upc).split(','));
    expect(batches).toHaveLength(4);
    expect(batches.map((keys) => keys.length)).toEqual([5, 5, 5, 5]);
    expect(batches.flat().sort()).toEqual(PRODUCTS.map(({ upc }) => upc).sort());
  });

  it('7 entities: 2 calls', async () => {
    stock.calls.length = 0;
    await query(gateway, '{ products(count: 7) { quantity } }');
    expect(stock.callsTo('GET', '/stock').map((call) => String(call.query.upc).split(',').length)).toEqual([
      5, 2,
    ]);
  });
});

describe('$batch in a POST body', () => {
  let stock: RestService;
  let gateway: RunningGateway;

  beforeAll(async () => {
    stock = await startStockService();
    const sdl = stockSdl(
      'selection: "$.results { upc quantity }"',
      'POST: "/stock/batch", body: "upcs: $batch.upc"',
    )
      // The POST endpoint wraps its results: this selection replaces the one above.
      .replace('    selection: "upc quantity"\n', '');
    gateway = await startConnectorGateway({
      graphql: [{ name: 'catalog', url: catalog.url }],
      rest: [{ name: 'stock', sdl, sources: { stock: stock.url } }],
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await stock?.close();
  });

  it('sends every key as a JSON list in one call and matches the results back', async () => {
    unknown.add('p3');
    const body = await query(gateway, '{ products(count: 12) { upc quantity } }');
    expect(body.data?.products).toEqual(
      PRODUCTS.slice(0, 12).map(({ upc }) => ({
        upc,
        quantity: upc === 'p3' ? null : expectedQuantity(upc),
      })),
    );
    const calls = stock.callsTo('POST', '/stock/batch');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toEqual({ upcs: PRODUCTS.slice(0, 12).map(({ upc }) => upc) });
  });
});

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

// A GraphQL "catalog" subgraph owns products and sellers; a REST "stock" service adds stock,
// shipping and seller ratings through connectors, and has root fields of its own whose products
// get their names from the catalog.
interface CatalogProduct {
  upc: string;
  name: string;
  price: number;
  weight: number;
  sellerId: string;
}
const catalog: CatalogProduct[] = [
  { upc: 'u1', name: 'Table', price: 12_000, weight: 9_000, sellerId: 's1' },
  { upc: 'u2', name: 'Chair', price: 4_000, weight: 1_200, sellerId: 's2' },
  { upc: 'u3', name: 'Lamp', price: 2_500, weight: 700, sellerId: 's1' },
];
const byUpc = new Map(catalog.map((product) => [product.upc, product]));

const catalogSubgraph = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])
    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int!
      weight: Int!
      seller: Seller
    }
    type Seller @key(fields: "id") {
      id: ID!
      name: String
    }
    type Query {
      products: [Product!]!
    }
  `),
  resolvers: {
    Query: { products: () => catalog },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => byUpc.get(upc) ?? null,
      seller: (product: CatalogProduct) => ({ id: product.sellerId, name: `Seller ${product.sellerId}` }),
    },
    Seller: { __resolveReference: ({ id }: { id: string }) => ({ id, name: `Seller ${id}` }) },
  },
};

const stockSdl = `${connectorSchemaHeader(['stock'])}

type Product
  @key(fields: "upc")
  @connect(
    source: "stock"
    http: { GET: "/stock?upc={$batch.upc->joinNotNull(',')}" }
    selection: "upc inStock quantity"
  ) {
  upc: String!
  inStock: Boolean
  quantity: Int
  price: Int! @external
  weight: Int! @external
  shipping: Int
    @requires(fields: "price weight")
    @connect(
      source: "stock"
      http: { GET: "/shipping/{$this.upc}?price={$this.price}&weight={$this.weight}" }
      selection: "$.cents"
    )
}

type Seller
  @key(fields: "id")
  @connect(source: "stock", http: { GET: "/sellers/{$this.id}" }, selection: "id rating") {
  id: ID!
  rating: Float
}

type Query {
  stockItem(upc: String!): Product
    @connect(
      source: "stock"
      http: { GET: "/stock/{$args.upc}" }
      selection: "upc inStock quantity"
      entity: true
    )
  lowStock: [Product]
    @connect(source: "stock", http: { GET: "/low-stock" }, selection: "$.items { upc quantity }")
}
`;

const stockLevels: Record<string, number> = { u1: 5, u2: 0, u3: 1 };

let catalogService: RunningService;
let stock: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  catalogService = await serveSubgraph(catalogSubgraph);
  stock = await startRestService((app) => {
    const item = (upc: string) => ({ upc, inStock: (stockLevels[upc] ?? 0) > 0, quantity: stockLevels[upc] });
    app.get<{ Querystring: { upc: string } }>('/stock', async (request) =>
      request.query.upc.split(',').map(item),
    );
    app.get<{ Params: { upc: string } }>('/stock/:upc', async (request) => item(request.params.upc));
    app.get('/low-stock', async () => ({ items: [item('u3'), item('u2')] }));
    app.get<{ Params: { upc: string }; Querystring: { price: string; weight: string } }>(
      '/shipping/:upc',
      async (request) => ({
        cents:
          Number(request.query.price) >= 10_000
            ? 0
            : 500 + Math.ceil(Number(request.query.weight) / 500) * 100,
      }),
    );
    app.get<{ Params: { id: string } }>('/sellers/:id', async (request) => ({
      id: request.params.id,
      rating: request.params.id === 's1' ? 4.5 : 3.8,
    }));
  });
  gateway = await startConnectorGateway({
    graphql: [{ name: 'catalog', url: catalogService.url }],
    rest: [{ name: 'stock', sdl: stockSdl, sources: { stock: stock.url } }],
  });
});

afterAll(async () => {
  await gateway?.close();
  await stock?.close();
  await catalogService?.close();
});

beforeEach(() => {
  stock.calls.length = 0;
});

async function query(text: string, variables?: Record<string, unknown>): Promise<GraphQLBody> {
  const response = await postGraphQL(gateway.graphqlUrl, {
    query: text,
    ...(variables ? { variables } : {}),
  });
  expect(response.status).toBe(200);
  return response.body as GraphQLBody;
}

describe('GraphQL entities with fields from REST', () => {
  it('a type-level connector with $batch adds fields to entities from a GraphQL subgraph', async () => {
    expect(await query('{ products { upc name inStock quantity } }')).toEqual({
      data: {
        products: [
          { upc: 'u1', name: 'Table', inStock: true, quantity: 5 },
          { upc: 'u2', name: 'Chair', inStock: false, quantity: 0 },
          { upc: 'u3', name: 'Lamp', inStock: true, quantity: 1 },
        ],
      },
    });
    expect(stock.calls.map((call) => call.url)).toEqual(['/stock?upc=u1%2Cu2%2Cu3']);
  });

  it('a type-level connector with $this resolves each entity by its key', async () => {
    expect(await query('{ products { upc seller { id name rating } } }')).toEqual({
      data: {
        products: [
          { upc: 'u1', seller: { id: 's1', name: 'Seller s1', rating: 4.5 } },
          { upc: 'u2', seller: { id: 's2', name: 'Seller s2', rating: 3.8 } },
          { upc: 'u3', seller: { id: 's1', name: 'Seller s1', rating: 4.5 } },
        ],
      },
    });
    // Two distinct sellers: one request each.
    expect(stock.calls.map((call) => call.url).sort()).toEqual(['/sellers/s1', '/sellers/s2']);
  });

  it('a field connector with @requires receives the required fields from the other subgraph', async () => {
    expect(await query('{ products { upc shipping } }')).toEqual({
      data: {
        products: [
          { upc: 'u1', shipping: 0 },
          { upc: 'u2', shipping: 800 },
          { upc: 'u3', shipping: 700 },
        ],
      },
    });
    expect(stock.calls.map((call) => call.url).sort()).toEqual([
      '/shipping/u1?price=12000&weight=9000',
      '/shipping/u2?price=4000&weight=1200',
      '/shipping/u3?price=2500&weight=700',
    ]);
  });

  it('fields from both connectors and both subgraphs in one query', async () => {
    const body = await query('{ products { name inStock shipping seller { rating } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.products).toEqual([
      { name: 'Table', inStock: true, shipping: 0, seller: { rating: 4.5 } },
      { name: 'Chair', inStock: false, shipping: 800, seller: { rating: 3.8 } },
      { name: 'Lamp', inStock: true, shipping: 700, seller: { rating: 4.5 } },
    ]);
    expect(stock.callsTo('GET', '/stock')).toHaveLength(1);
  });
});

describe('REST root fields with fields from GraphQL', () => {
  it('an `entity: true` root field: the product joins the catalog by key', async () => {
    expect(
      await query(
        'query ($upc: String!) { stockItem(upc: $upc) { upc quantity name price seller { name } } }',
        {
          upc: 'u2',
        },
      ),
    ).toEqual({
      data: {
        stockItem: { upc: 'u2', quantity: 0, name: 'Chair', price: 4_000, seller: { name: 'Seller s2' } },
      },
    });
    expect(stock.calls.map((call) => call.url)).toEqual(['/stock/u2']);
  });

  it('an `entity: true` root field chains into another connector through the catalog', async () => {
    expect(await query('{ stockItem(upc: "u1") { name shipping } }')).toEqual({
      data: { stockItem: { name: 'Table', shipping: 0 } },
    });
    expect(stock.calls.map((call) => call.url)).toEqual([
      '/stock/u1',
      '/shipping/u1?price=12000&weight=9000',
    ]);
  });

  it('a plain root field returning a list: each product joins the catalog', async () => {
    expect(await query('{ lowStock { upc quantity name inStock } }')).toEqual({
      data: {
        lowStock: [
          { upc: 'u3', quantity: 1, name: 'Lamp', inStock: true },
          { upc: 'u2', quantity: 0, name: 'Chair', inStock: false },
        ],
      },
    });
  });

  it('the gateway resolves a REST entity by key for another subgraph (`entity: true` as the resolver)', async () => {
    // inStock is not in lowStock's selection: the planner fetches it from the stock subgraph's
    // entity connector, which batches.
    await query('{ lowStock { upc inStock } }');
    expect(stock.calls.map((call) => call.url)).toEqual(['/low-stock', '/stock?upc=u3%2Cu2']);
  });
});

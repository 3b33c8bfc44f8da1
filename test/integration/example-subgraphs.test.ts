import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { exampleServices } from '../../subgraphs/index.js';
import type { RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { productsSubgraph } from '../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../subgraphs/reviews/index.js';

const running = new Map<string, RunningService>();
/** Subgraph names in the order the gateway fetched from them, for the current test. */
let fetches: string[] = [];
let server: ApolloServer | undefined;

function service(name: string): RunningService {
  const found = running.get(name);
  if (!found) throw new Error(`${name} is not running`);
  return found;
}

beforeAll(async () => {
  for (const example of exampleServices) running.set(example.name, await example.start({ port: 0 }));
  const composed = composeServices(
    [accountsSubgraph, productsSubgraph, reviewsSubgraph].map((definition) => ({
      name: definition.name,
      url: service(definition.name).url,
      typeDefs: parse(
        printSubgraphSchema(
          buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers }),
        ),
      ),
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        ...(url === undefined ? {} : { url }),
        willSendRequest: () => void fetches.push(name),
      }),
  });
  server = new ApolloServer({ gateway });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await Promise.all([...running.values()].map((running) => running.close()));
});

beforeEach(() => {
  fetches = [];
});

async function execute(query: string): Promise<unknown> {
  if (!server) throw new Error('gateway not started');
  const response = await server.executeOperation({ query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult));
}

describe('example subgraphs through a gateway', () => {
  it('starts every example service on its own port', () => {
    expect(exampleServices.map(({ name, port }) => [name, port])).toEqual([
      ['accounts', 4001],
      ['products', 4002],
      ['reviews', 4003],
      ['inventory', 4004],
    ]);
    expect(service('accounts').url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(service('inventory').url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers a query crossing accounts, reviews and products', async () => {
    const result = await execute(/* GraphQL */ `
      {
        me {
          username
        }
        users {
          name
          reviews {
            rating
            product {
              upc
              name
              ... on Book {
                author
              }
            }
          }
        }
        topProducts(first: 3) {
          __typename
          upc
          name
          price
          averageRating
          ratingLabel
          reviews {
            body
            author {
              username
              name
            }
          }
        }
      }
    `);
    const ddia = { upc: '1', name: 'Designing Data-Intensive Applications', author: 'Martin Kleppmann' };
    const pragmatic = { upc: '3', name: 'The Pragmatic Programmer', author: 'David Thomas, Andrew Hunt' };
    const sicp = {
      upc: '5',
      name: 'Structure and Interpretation of Computer Programs',
      author: 'Harold Abelson, Gerald Jay Sussman',
    };
    const maya = { username: 'mokafor', name: 'Maya Okafor' };
    expect(result).toEqual({
      data: {
        me: { username: 'mokafor' },
        users: [
          {
            name: 'Maya Okafor',
            reviews: [
              { rating: 5, product: ddia },
              { rating: 5, product: pragmatic },
            ],
          },
          { name: 'Jonas Lindqvist', reviews: [{ rating: 4, product: ddia }] },
          { name: 'Priya Raman', reviews: [{ rating: 4, product: { upc: '2', name: 'Oak Writing Desk' } }] },
          {
            name: 'Diego Fernández',
            reviews: [{ rating: 3, product: { upc: '4', name: 'Ergonomic Office Chair' } }],
          },
          {
            name: 'Hannah Schmidt',
            reviews: [
              { rating: 2, product: { upc: '6', name: 'Walnut Bookshelf' } },
              { rating: 4, product: pragmatic },
            ],
          },
          { name: 'Kenji Watanabe', reviews: [{ rating: 5, product: sicp }] },
        ],
        topProducts: [
          {
            __typename: 'Book',
            upc: '1',
            name: 'Designing Data-Intensive Applications',
            price: 5999,
            averageRating: 4.5,
            ratingLabel: 'Designing Data-Intensive Applications: 4.5/5 from 2 reviews',
            reviews: [
              { body: 'The clearest explanation of replication and partitioning I have read.', author: maya },
              {
                body: 'Dense but worth it. Chapter 9 alone justifies the price.',
                author: { username: 'jlindqvist', name: 'Jonas Lindqvist' },
              },
            ],
          },
          {
            __typename: 'Furniture',
            upc: '2',
            name: 'Oak Writing Desk',
            price: 34900,
            averageRating: 4,
            ratingLabel: 'Oak Writing Desk: 4.0/5 from 1 review',
            reviews: [
              {
                body: 'Sturdy and handsome; assembly took about an hour.',
                author: { username: 'priyar', name: 'Priya Raman' },
              },
            ],
          },
          {
            __typename: 'Book',
            upc: '3',
            name: 'The Pragmatic Programmer',
            price: 4499,
            averageRating: 4.5,
            ratingLabel: 'The Pragmatic Programmer: 4.5/5 from 2 reviews',
            reviews: [
              { body: 'Still the best book on the craft of programming.', author: maya },
              {
                body: 'Practical advice that has aged remarkably well.',
                author: { username: 'hschmidt', name: 'Hannah Schmidt' },
              },
            ],
          },
        ],
      },
    });
    expect(new Set(fetches)).toEqual(new Set(['accounts', 'products', 'reviews']));
  });

  it('takes the author username from reviews (@provides) without calling accounts', async () => {
    const result = await execute(`{ product(upc: "2") { name reviews { rating author { username } } } }`);
    expect(result).toEqual({
      data: {
        product: { name: 'Oak Writing Desk', reviews: [{ rating: 4, author: { username: 'priyar' } }] },
      },
    });
    expect(fetches).toEqual(['products', 'reviews']);
  });

  it('fetches the required product name before resolving ratingLabel (@requires)', async () => {
    const result = await execute(`{ product(upc: "6") { upc ratingLabel } }`);
    expect(result).toEqual({
      data: { product: { upc: '6', ratingLabel: 'Walnut Bookshelf: 2.0/5 from 1 review' } },
    });
    expect(fetches).toEqual(['products', 'reviews']);
  });
});

describe('inventory REST service', () => {
  async function get(path: string): Promise<{ status: number; type: string | null; body: unknown }> {
    const response = await fetch(`${service('inventory').url}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    };
  }

  it('returns the stock level of one product', async () => {
    expect(await get('/inventory/1')).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { upc: '1', inStock: true, quantity: 42, warehouse: 'SEA-1' },
    });
    expect((await get('/inventory/3')).body).toEqual({
      upc: '3',
      inStock: false,
      quantity: 0,
      warehouse: 'SEA-1',
    });
  });

  it('returns stock levels in batch, in request order', async () => {
    expect(await get('/inventory?upc=4,1,6')).toMatchObject({
      status: 200,
      body: [
        { upc: '4', inStock: true, quantity: 17, warehouse: 'RNO-2' },
        { upc: '1', inStock: true, quantity: 42, warehouse: 'SEA-1' },
        { upc: '6', inStock: false, quantity: 0, warehouse: 'RNO-2' },
      ],
    });
    expect((await get('/inventory?upc=2&upc=5')).body).toEqual([
      { upc: '2', inStock: true, quantity: 3, warehouse: 'RNO-2' },
      { upc: '5', inStock: true, quantity: 8, warehouse: 'SEA-1' },
    ]);
    const all = await get('/inventory');
    expect(all.status).toBe(200);
    expect((all.body as { upc: string }[]).map(({ upc }) => upc)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('estimates shipping from price and weight', async () => {
    expect(await get('/shipping/1?weight=1150&price=5999')).toMatchObject({
      status: 200,
      body: { upc: '1', estimate: 799 },
    });
    expect((await get('/shipping/2?weight=28000&price=34900')).body).toEqual({ upc: '2', estimate: 0 });
  });

  it('answers unknown upcs with a 404 JSON error', async () => {
    for (const path of ['/inventory/99', '/inventory?upc=1,99', '/shipping/99?weight=100&price=100']) {
      expect(await get(path), path).toMatchObject({
        status: 404,
        type: 'application/json; charset=utf-8',
        body: { statusCode: 404, error: 'Not Found', message: expect.stringContaining('99') },
      });
    }
  });

  it('answers bad input with a 400 JSON error', async () => {
    for (const path of [
      '/inventory/abc',
      '/inventory?upc=',
      '/inventory?upc=1,x',
      '/shipping/1',
      '/shipping/1?weight=100',
      '/shipping/1?weight=-5&price=100',
      '/shipping/1?weight=1.5&price=100',
      '/shipping/abc?weight=100&price=100',
    ]) {
      expect(await get(path), path).toMatchObject({
        status: 400,
        type: 'application/json; charset=utf-8',
        body: { statusCode: 400, error: 'Bad Request', message: expect.any(String) },
      });
    }
  });
});

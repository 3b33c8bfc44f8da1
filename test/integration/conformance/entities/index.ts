import type { ConformanceScenario } from '../types.js';
import { accounts, catalog, ordersSubgraph } from './subgraphs.js';

export const entities: ConformanceScenario = {
  name: 'entities',
  subgraphs: [accounts, ordersSubgraph, catalog],
  cases: [
    {
      name: 'single @key: fields of one entity from two subgraphs',
      query: '{ user(id: "2") { id name orders { number } } }',
      expected: { data: { user: { id: '2', name: 'Grace', orders: [{ number: 'A-1002' }] } } },
      subgraphRequests: { accounts: 1, orders: 1 },
    },
    {
      name: 'single @key: a list of entities is resolved in one batch',
      query: '{ users { name orders { id } } }',
      expected: {
        data: {
          users: [
            { name: 'Ada', orders: [{ id: 'o-1' }] },
            { name: 'Grace', orders: [{ id: 'o-2' }] },
            { name: 'Linus', orders: [{ id: 'o-3' }] },
          ],
        },
      },
      subgraphRequests: { accounts: 1, orders: 1 },
    },
    {
      name: 'compound @key: owner to extending subgraph',
      query: '{ product(upc: "upc-1") { name variants { id sku color unitsSold } } }',
      expected: {
        data: {
          product: {
            name: 'Arc Lamp',
            variants: [
              { id: '1', sku: 'SKU-LAMP', color: 'black', unitsSold: 0 },
              { id: '2', sku: 'SKU-LAMP', color: 'brass', unitsSold: 2 },
            ],
          },
        },
      },
      subgraphRequests: { catalog: 1, orders: 1 },
    },
    {
      name: 'compound @key: both key fields pick the entity (same id, different sku)',
      query: '{ order(id: "o-1") { lines { quantity variant { id sku color unitsSold } } } }',
      expected: {
        data: {
          order: {
            lines: [
              { quantity: 2, variant: { id: '2', sku: 'SKU-LAMP', color: 'brass', unitsSold: 2 } },
              { quantity: 1, variant: { id: '1', sku: 'SKU-CHAIR', color: 'chrome', unitsSold: 1 } },
            ],
          },
        },
      },
      subgraphRequests: { orders: 1, catalog: 1 },
    },
    {
      name: 'multiple @keys: upc key in, sku key out',
      query: '{ user(id: "1") { favoriteProduct { upc sku name orderCount } } }',
      expected: {
        data: {
          user: { favoriteProduct: { upc: 'upc-1', sku: 'SKU-LAMP', name: 'Arc Lamp', orderCount: 1 } },
        },
      },
      subgraphRequests: { accounts: 1, catalog: 1, orders: 1 },
    },
    {
      name: 'multiple @keys: resolved by the second key',
      query: '{ order(id: "o-2") { lines { product { sku upc name } } } }',
      expected: {
        data: { order: { lines: [{ product: { sku: 'SKU-DESK', upc: 'upc-2', name: 'Oak Desk' } }] } },
      },
      subgraphRequests: { orders: 1, catalog: 1 },
    },
    {
      name: 'entity chain across three subgraphs and back: accounts → orders → catalog → accounts',
      query: /* GraphQL */ `
        {
          user(id: "1") {
            name
            orders {
              number
              lines {
                quantity
                product {
                  name
                  designer {
                    name
                  }
                }
              }
            }
          }
        }
      `,
      expected: {
        data: {
          user: {
            name: 'Ada',
            orders: [
              {
                number: 'A-1001',
                lines: [
                  { quantity: 2, product: { name: 'Arc Lamp', designer: { name: 'Ada' } } },
                  { quantity: 1, product: { name: 'Wire Chair', designer: { name: 'Linus' } } },
                ],
              },
            ],
          },
        },
      },
      subgraphRequests: { accounts: 2, orders: 1, catalog: 1 },
    },
    {
      name: 'an entity its owner cannot resolve',
      query: '{ order(id: "o-3") { number lines { quantity product { sku name } variant { id } } } }',
      // The catalog answers null for SKU-GONE, so the non-null Product.name is missing: the null
      // reaches the nullable product, and the gateway reports it as a value-completion problem.
      expected: {
        data: { order: { number: 'A-1003', lines: [{ quantity: 4, product: null, variant: null }] } },
        extensions: {
          valueCompletion: [
            {
              message: 'Cannot return null for non-nullable field Product.name.',
              path: ['order', 'lines', 0, 'product', 'name'],
              extensions: { code: 'INVALID_GRAPHQL' },
            },
          ],
        },
      },
      subgraphRequests: { orders: 1, catalog: 1 },
    },
    {
      name: 'an unknown root entity is null without an error',
      query: '{ user(id: "404") { name orders { id } } }',
      expected: { data: { user: null } },
      subgraphRequests: { accounts: 1 },
    },
    {
      name: '__typename on entities from every subgraph',
      query: '{ user(id: "2") { __typename favoriteProduct { __typename upc variants { __typename id } } } }',
      expected: {
        data: {
          user: {
            __typename: 'User',
            favoriteProduct: {
              __typename: 'Product',
              upc: 'upc-3',
              variants: [
                { __typename: 'Variant', id: '1' },
                { __typename: 'Variant', id: '2' },
              ],
            },
          },
        },
      },
      subgraphRequests: { accounts: 1, catalog: 1 },
    },
  ],
};

import type { ConformanceCase } from '../types.js';

/** products and reviews are Federation 1 subgraphs, accounts is Federation 2. */
export const fed1Cases: ConformanceCase[] = [
  {
    name: 'Fed1: entity fields from the owner and from an `extend type ... @key` subgraph',
    query: '{ topProducts(first: 2) { upc name reviews { body } } }',
    expected: {
      data: {
        topProducts: [
          { upc: 'p1', name: 'Lamp', reviews: [{ body: 'Bright enough' }] },
          { upc: 'p2', name: 'Desk', reviews: [{ body: 'Wobbly legs' }, { body: 'Sturdy' }] },
        ],
      },
    },
    subgraphRequests: { products: 1, reviews: 1 },
  },
  {
    name: 'Fed1 @requires(fields: "weight") with the @external weight of an extended entity',
    query: '{ product(upc: "p2") { name shippingCost } }',
    expected: { data: { product: { name: 'Desk', shippingCost: 90 } } },
    subgraphRequests: { products: 1, reviews: 1 },
  },
  {
    name: 'Fed1 @provides a field the Fed2 subgraph owns: no trip to the owner',
    query: '{ reviews { body author { username } } }',
    expected: {
      data: {
        reviews: [
          { body: 'Bright enough', author: { username: 'ada' } },
          { body: 'Wobbly legs', author: { username: 'lin' } },
          { body: 'Sturdy', author: { username: 'ada' } },
        ],
      },
    },
    subgraphRequests: { reviews: 1 },
  },
  {
    name: 'Fed1 @provides: fields that are not provided come from the Fed2 owner',
    query: '{ reviews { author { username email } } }',
    expected: {
      data: {
        reviews: [
          { author: { username: 'ada', email: 'ada@example.com' } },
          { author: { username: 'lin', email: 'lin@example.com' } },
          { author: { username: 'ada', email: 'ada@example.com' } },
        ],
      },
    },
    subgraphRequests: { reviews: 1, accounts: 1 },
  },
  {
    name: 'a value type defined in a Fed1 and a Fed2 subgraph, selected with one named fragment',
    query: /* GraphQL */ `
      query Balances {
        product(upc: "p3") {
          price {
            ...Amount
          }
        }
        me {
          wallet {
            ...Amount
          }
        }
      }
      fragment Amount on Money {
        amount
        currency
      }
    `,
    expected: {
      data: {
        product: { price: { amount: 80, currency: 'USD' } },
        me: { wallet: { amount: 12, currency: 'EUR' } },
      },
    },
    subgraphRequests: { products: 1, accounts: 1 },
  },
  {
    name: 'a chain Fed1 -> Fed1 -> Fed2 with an alias on the provided field',
    query: '{ product(upc: "p2") { name reviews { body author { handle: username email } } } }',
    expected: {
      data: {
        product: {
          name: 'Desk',
          reviews: [
            { body: 'Wobbly legs', author: { handle: 'lin', email: 'lin@example.com' } },
            { body: 'Sturdy', author: { handle: 'ada', email: 'ada@example.com' } },
          ],
        },
      },
    },
    subgraphRequests: { products: 1, reviews: 1, accounts: 1 },
  },
  {
    name: 'Fed2 root field, then Fed1 entities and a Fed1 @requires below them',
    // ada (the only PRO user) wrote r1 on p1 (weight 2) and r3 on p2 (weight 30).
    query: '{ users(filter: { tier: PRO }) { username reviews { product { name shippingCost } } } }',
    expected: {
      data: {
        users: [
          {
            username: 'ada',
            reviews: [
              { product: { name: 'Lamp', shippingCost: 6 } },
              { product: { name: 'Desk', shippingCost: 90 } },
            ],
          },
        ],
      },
    },
    subgraphRequests: { accounts: 1, reviews: 2, products: 1 },
  },
  {
    name: 'Fed1 `extend type Mutation`: the result entity completed from a Fed1 and the Fed2 subgraph',
    // Flagging is idempotent, so the case gives the same answer every time it runs.
    query: /* GraphQL */ `
      mutation Flag($id: ID!) {
        flagReview(id: $id) {
          id
          flagged
          product {
            name
          }
          author {
            email
          }
        }
      }
    `,
    variables: { id: 'r2' },
    expected: {
      data: {
        flagReview: {
          id: 'r2',
          flagged: true,
          product: { name: 'Desk' },
          author: { email: 'lin@example.com' },
        },
      },
    },
    subgraphRequests: { reviews: 1, products: 1, accounts: 1 },
  },
];

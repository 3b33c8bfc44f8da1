import type { ConformanceCase } from '../types.js';

/** Operation features (nesting, fragments, variables, aliases, mutations) over the key paths. */
export const operationCases: ConformanceCase[] = [
  {
    // Accessories come from registry with every key field, so they need no extra registry hop.
    name: 'entities nested in an entity, resolved across every subgraph',
    query: '{ item(id: "i1") { name accessories { id name stock price rating } } }',
    expected: {
      data: {
        item: {
          name: 'M4 bolt',
          accessories: [
            { id: 'i3', name: 'M4 nut', stock: 45, price: 10, rating: null },
            { id: 'i4', name: 'M4 washer', stock: 300, price: null, rating: 3 },
          ],
        },
      },
    },
    subgraphRequests: { inventory: 2, registry: 1, pricing: 1, reviews: 1 },
  },
  {
    // topRated comes from reviews (id, sku, vendor); the accessories are two levels further down.
    name: 'entities nested in entities from the root of the subgraph with the resolvable: false key',
    query: '{ topRated { sku accessories { name price } } }',
    expected: {
      data: {
        topRated: [
          {
            sku: 'BOLT-M4',
            accessories: [
              { name: 'M4 nut', price: 10 },
              { name: 'M4 washer', price: null },
            ],
          },
          { sku: 'WASHER-M4', accessories: [] },
          { sku: 'BOLT-M4', accessories: [{ name: 'M4 nut', price: 10 }] },
        ],
      },
    },
    subgraphRequests: { reviews: 1, registry: 1, pricing: 1 },
  },
  {
    name: 'named and inline fragments, with part of the nested key inside a fragment',
    query: /* GraphQL */ `
      query Shelf {
        warehouse(code: "north") {
          items {
            ...Identity
            ... on Item {
              price
            }
          }
        }
      }
      fragment Identity on Item {
        id
        compositeId {
          one
        }
        ...Reviews
      }
      fragment Reviews on Item {
        reviewCount
      }
    `,
    expected: {
      data: {
        warehouse: {
          items: [
            { id: 'i1', compositeId: { one: 'HW' }, reviewCount: 2, price: 30 },
            { id: 'i2', compositeId: { one: 'HW' }, reviewCount: 1, price: 20 },
            { id: 'i3', compositeId: { one: 'NT' }, reviewCount: 0, price: 10 },
          ],
        },
      },
    },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1, reviews: 1 },
  },
  {
    // $currency keeps its default and must reach pricing, two hops from the root.
    name: 'variables, one left at its default, used two hops away',
    query: /* GraphQL */ `
      query ItemPrice($id: ID!, $currency: String! = "EUR", $withReviews: Boolean = false) {
        item(id: $id) {
          name
          price(currency: $currency)
          reviewCount @include(if: $withReviews)
        }
      }
    `,
    variables: { id: 'i2', withReviews: true },
    expected: { data: { item: { name: 'M4 bolt, zinc', price: 18, reviewCount: 1 } } },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1, reviews: 1 },
  },
  {
    // The representation needs the unaliased compositeId { one two }; the client sees its aliases.
    name: 'aliases, on the nested key fields too',
    query: /* GraphQL */ `
      {
        bolt: item(id: "i1") {
          label: name
          usd: price
          eur: price(currency: "EUR")
          code: compositeId {
            first: one
            second: two
          }
        }
        zinc: item(id: "i2") {
          label: name
          usd: price
        }
      }
    `,
    expected: {
      data: {
        bolt: { label: 'M4 bolt', usd: 30, eur: 27, code: { first: 'HW', second: 4 } },
        zinc: { label: 'M4 bolt, zinc', usd: 20 },
      },
    },
  },
  {
    name: 'a mutation returning the entity follows the same key path',
    query: /* GraphQL */ `
      mutation {
        reserve(itemId: "i3", quantity: 5) {
          quantity
          remaining
          item {
            id
            name
            compositeId {
              one
              two
            }
            price
            stock
          }
        }
      }
    `,
    expected: {
      data: {
        reserve: {
          quantity: 5,
          remaining: 40,
          item: { id: 'i3', name: 'M4 nut', compositeId: { one: 'NT', two: 4 }, price: 10, stock: 45 },
        },
      },
    },
    subgraphRequests: { inventory: 1, registry: 1, pricing: 1 },
  },
];

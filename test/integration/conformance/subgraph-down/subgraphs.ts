import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

const products = [
  { id: 'p1', name: 'Tent' },
  { id: 'p2', name: 'Stove' },
];

/** catalog: stays up. */
export const catalogSubgraph: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      products: [Product!]!
      featured: Product
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String!
    }
  `),
  resolvers: {
    Query: {
      products: () => products,
      featured: () => products[0],
    },
    Product: {
      __resolveReference: ({ id }: { id: string }) => products.find((product) => product.id === id) ?? null,
    },
  },
};

/** inventory: composed into the supergraph, then stopped before any case runs. */
export const inventorySubgraph: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      warehouses: [Warehouse!]
      primaryWarehouse: Warehouse!
    }
    type Warehouse {
      name: String!
    }
    type Product @key(fields: "id") {
      id: ID!
      inStock: Boolean
      stockCount: Int!
    }
  `),
  resolvers: {
    Query: {
      warehouses: () => [{ name: 'North' }],
      primaryWarehouse: () => ({ name: 'North' }),
    },
    Product: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      inStock: () => true,
      stockCount: () => 7,
    },
  },
};

import { parse } from 'graphql';
import { products as allProducts, type BenchProduct } from './data.js';
import type { BenchSubgraphDefinition } from './definition.js';

const productsByUpc = new Map(allProducts.map((product) => [product.upc, product]));

/** products: the catalogue and `topProducts`. Federation 1 SDL. */
export const products: BenchSubgraphDefinition = {
  name: 'products',
  typeDefs: parse(`
    type Query {
      topProducts(first: Int = 5): [Product]
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int
      weight: Int
    }
  `),
  resolvers: {
    Query: {
      topProducts: (_source: unknown, args: { first: number }): readonly BenchProduct[] =>
        allProducts.slice(0, args.first),
    },
    Product: {
      __resolveReference: (reference: { upc: string }): BenchProduct | null =>
        productsByUpc.get(reference.upc) ?? null,
    },
  },
};

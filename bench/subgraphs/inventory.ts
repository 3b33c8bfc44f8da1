import { parse } from 'graphql';
import { inStock } from './data.js';
import type { BenchSubgraphDefinition } from './definition.js';

interface InventoryProduct {
  upc: string;
  inStock: boolean | null;
  price?: number | null;
  weight?: number | null;
}

/** inventory: `inStock` and `shippingEstimate` on Product. Federation 1 SDL. */
export const inventory: BenchSubgraphDefinition = {
  name: 'inventory',
  typeDefs: parse(`
    extend type Product @key(fields: "upc") {
      upc: String! @external
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }
  `),
  resolvers: {
    Product: {
      // Quirk of the published service, which expected.json depends on: the entity resolver keeps only the
      // upc and drops the `price` and `weight` the gateway sends for `@requires`, so `shippingEstimate` is
      // always null.
      __resolveReference: (reference: { upc: string }): InventoryProduct => ({
        upc: reference.upc,
        inStock: inStock[reference.upc] ?? null,
      }),
      shippingEstimate: (product: InventoryProduct): number | null => {
        if (product.price == null || product.weight == null) return null;
        // Free above 1000, otherwise half the weight.
        return product.price > 1000 ? 0 : Math.round(product.weight * 0.5);
      },
    },
  },
};

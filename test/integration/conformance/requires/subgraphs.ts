import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

interface Dimensions {
  weight: number | null;
  width: number;
  height: number;
  depth: number;
}
interface Product {
  upc: string;
  name: string;
  category: string;
  /** In US cents. */
  priceUsd: number;
  dimensions: Dimensions | null;
}

const products: Product[] = [
  {
    upc: 'p1',
    name: 'Kettle',
    category: 'kitchen',
    priceUsd: 4999,
    dimensions: { weight: 1200, width: 20, height: 25, depth: 18 },
  },
  {
    upc: 'p2',
    name: 'Anvil',
    category: 'tools',
    priceUsd: 15000,
    dimensions: { weight: 50000, width: 40, height: 30, depth: 20 },
  },
  {
    upc: 'p3',
    name: 'Poster',
    category: 'decor',
    priceUsd: 1500,
    dimensions: { weight: null, width: 60, height: 90, depth: 1 },
  },
  { upc: 'p4', name: 'Gift card', category: 'digital', priceUsd: 2500, dimensions: null },
];

const findProduct = (upc: string) => products.find((product) => product.upc === upc) ?? null;

/** products: owns every field the shipping subgraph requires. */
export const productsSubgraph: SubgraphDefinition = {
  name: 'products',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Query {
      product(upc: String!): Product
      topProducts: [Product!]!
    }
    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      category: String!
      "In cents of the currency."
      price(currency: String! = "USD"): Int!
      dimensions: Dimensions
    }
    type Dimensions @shareable {
      weight: Int
      width: Int!
      height: Int!
      depth: Int!
    }
  `),
  resolvers: {
    Query: {
      product: (_: unknown, { upc }: { upc: string }) => findProduct(upc),
      topProducts: () => products,
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => findProduct(upc),
      price: (product: Product, { currency }: { currency: string }) => {
        if (currency === 'USD') return product.priceUsd;
        if (currency === 'EUR') return Math.round(product.priceUsd * 0.9);
        throw new Error(`Unknown currency ${currency}`);
      },
    },
  },
};

interface ShippingReference {
  upc: string;
  category?: string;
  dimensions?: Partial<Dimensions> | null;
  price?: number;
}

/** Fails loudly when the gateway did not send a required field in the representation. */
function required<K extends keyof ShippingReference>(
  reference: ShippingReference,
  field: K,
): NonNullable<ShippingReference[K]> | null {
  if (!(field in reference)) throw new Error(`The gateway did not send the required field "${field}"`);
  return reference[field] ?? null;
}

/** shipping: computes its fields from fields it @requires from products. */
export const shipping: SubgraphDefinition = {
  name: 'shipping',
  typeDefs: parse(/* GraphQL */ `
    extend schema
      @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires", "@shareable"])
    type Product @key(fields: "upc") {
      upc: String!
      category: String! @external
      dimensions: Dimensions @external
      price(currency: String! = "USD"): Int! @external
      handlingNote: String! @requires(fields: "category")
      freightClass: String! @requires(fields: "dimensions { weight }")
      "Cubic centimetres, or null when the dimensions are unknown."
      packageVolume: Int @requires(fields: "dimensions { width height depth }")
      "10% of the price in euro cents."
      insuranceCost: Int! @requires(fields: "price(currency: \\"EUR\\")")
      shippingEstimate(zip: String!, express: Boolean = false): String!
        @requires(fields: "category dimensions { weight }")
    }
    type Dimensions @shareable {
      weight: Int
      width: Int!
      height: Int!
      depth: Int!
    }
  `),
  resolvers: {
    Product: {
      __resolveReference: (reference: ShippingReference) => reference,
      handlingNote: (reference: ShippingReference) => `Handle as ${required(reference, 'category')}`,
      freightClass: (reference: ShippingReference) => {
        const weight = required(reference, 'dimensions')?.weight ?? null;
        if (weight === null) return 'UNKNOWN';
        return weight < 2000 ? 'LIGHT' : weight < 20000 ? 'MEDIUM' : 'HEAVY';
      },
      packageVolume: (reference: ShippingReference) => {
        const dimensions = required(reference, 'dimensions');
        if (!dimensions) return null;
        return (dimensions.width ?? NaN) * (dimensions.height ?? NaN) * (dimensions.depth ?? NaN);
      },
      insuranceCost: (reference: ShippingReference) => Math.round((required(reference, 'price') ?? NaN) / 10),
      shippingEstimate: (
        reference: ShippingReference,
        { zip, express }: { zip: string; express: boolean },
      ) => {
        if (required(reference, 'category') === 'digital') return 'instant delivery';
        const weight = required(reference, 'dimensions')?.weight ?? 0;
        const heavy = weight > 20000;
        if (express) return heavy ? `freight only to ${zip}` : `1 day to ${zip}`;
        return `${heavy ? 7 : 3} days to ${zip}`;
      },
    },
  },
};

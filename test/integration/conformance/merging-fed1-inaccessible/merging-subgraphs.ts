import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

/*
 * Two subgraphs whose shared enums and input object differ:
 * - Color is output-only: catalog has RED GREEN BLACK, reviews has RED GREEN BLUE, so the
 *   supergraph has their union.
 * - Region is input-only: catalog has EU US APAC, reviews has EU US, so the supergraph has their
 *   intersection (no APAC).
 * - SearchFilter is an input object: catalog also has the optional maxPrice, which the
 *   supergraph drops.
 * Some references carry null keys, and Listing has a compound key whose `market` may be null.
 */

interface Product {
  upc: string;
  name: string;
  color: 'RED' | 'GREEN' | 'BLACK';
  regions: string[];
  price: number;
}
interface Listing {
  sku: string;
  /** null: the listing that applies in every market. */
  market: string | null;
  price: number;
}
interface SearchFilter {
  text?: string | null;
  region?: string | null;
  maxPrice?: number | null;
}

const products: Product[] = [
  { upc: 'p1', name: 'Kettle', color: 'RED', regions: ['EU', 'US'], price: 40 },
  { upc: 'p2', name: 'Toaster', color: 'BLACK', regions: ['US'], price: 25 },
  { upc: 'p3', name: 'Kiln', color: 'GREEN', regions: ['APAC', 'EU'], price: 900 },
];
const listings: Listing[] = [
  { sku: 'p1', market: null, price: 40 },
  { sku: 'p1', market: 'EU', price: 45 },
  { sku: 'p2', market: null, price: 25 },
];

const findProduct = (upc: string) => products.find((product) => product.upc === upc) ?? null;
const contains = (text: string, part: string | null | undefined) =>
  part == null || text.toLowerCase().includes(part.toLowerCase());

/** catalog: owns Product and Listing. */
export const catalogSubgraph: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      products(filter: SearchFilter): [Product!]!
      product(upc: ID!): Product
      productsInRegion(region: Region!): [Product!]!
    }
    type Product @key(fields: "upc") {
      upc: ID!
      name: String!
      color: Color!
    }
    type Listing @key(fields: "sku market") {
      sku: ID!
      market: String
      price: Int!
    }
    enum Color {
      RED
      GREEN
      BLACK
    }
    enum Region {
      EU
      US
      APAC
    }
    input SearchFilter {
      text: String
      region: Region
      maxPrice: Int
    }
  `),
  resolvers: {
    Query: {
      products: (_: unknown, { filter }: { filter?: SearchFilter | null }) =>
        products.filter(
          (product) =>
            contains(product.name, filter?.text) &&
            (filter?.region == null || product.regions.includes(filter.region)) &&
            (filter?.maxPrice == null || product.price <= filter.maxPrice),
        ),
      product: (_: unknown, { upc }: { upc: string }) => findProduct(upc),
      productsInRegion: (_: unknown, { region }: { region: string }) =>
        products.filter((product) => product.regions.includes(region)),
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => findProduct(upc),
    },
    Listing: {
      __resolveReference: ({ sku, market }: { sku: string; market: string | null }) =>
        listings.find((listing) => listing.sku === sku && listing.market === market) ?? null,
    },
  },
};

interface Review {
  id: string;
  body: string;
  productUpc: string | null;
  /** Stored as written; BLACK is a color the reviews subgraph's Color enum lacks. */
  mentionedColor: string | null;
  listing: { sku: string | null; market: string | null };
  /** Where the review was written; only used to filter. */
  region: string;
}

const reviews: Review[] = [
  {
    id: 'r1',
    body: 'Boils fast',
    productUpc: 'p1',
    mentionedColor: 'RED',
    listing: { sku: 'p1', market: null },
    region: 'EU',
  },
  {
    id: 'r2',
    body: 'Burns toast',
    productUpc: 'p2',
    mentionedColor: 'BLUE',
    listing: { sku: 'p2', market: null },
    region: 'US',
  },
  {
    id: 'r3',
    body: 'Product withdrawn',
    productUpc: null,
    mentionedColor: null,
    listing: { sku: null, market: 'EU' },
    region: 'EU',
  },
  {
    id: 'r4',
    body: 'Looks black to me',
    productUpc: 'p3',
    mentionedColor: 'BLACK',
    listing: { sku: 'p1', market: 'EU' },
    region: 'EU',
  },
];

const regionalPicks: Record<string, string[]> = { EU: ['p3', 'p1'], US: ['p2'] };
/** Per product, the reference to its cheapest listing; p2's has lost its sku. */
const cheapestListings: Record<string, { sku: string | null; market: string | null } | null> = {
  p1: { sku: 'p1', market: null },
  p2: { sku: null, market: 'US' },
  p3: null,
};

/** reviews: references Product and Listing; its Color and Region enums and SearchFilter differ. */
export const reviewsSubgraph: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      reviews(filter: SearchFilter): [Review!]!
      review(id: ID!): Review
      "p1, a product whose key is null, p3"
      featured: [Product]
      "p2, then a product whose key is null"
      bundle: [Product!]
      regionalPicks(region: Region = EU): [Product!]!
    }
    type Mutation {
      "Not stored: answers the review as it would be posted."
      previewReview(upc: ID!, body: String!, region: Region = EU): Review!
    }
    type Review @key(fields: "id") {
      id: ID!
      body: String!
      mentionedColor: Color
      product: Product
      listing: Listing!
    }
    type Product @key(fields: "upc") {
      upc: ID!
      reviews: [Review!]!
      cheapestListing: Listing
    }
    type Listing @key(fields: "sku market", resolvable: false) {
      sku: ID!
      market: String
    }
    enum Color {
      RED
      GREEN
      BLUE
    }
    enum Region {
      EU
      US
    }
    input SearchFilter {
      text: String
      region: Region
    }
  `),
  resolvers: {
    Query: {
      reviews: (_: unknown, { filter }: { filter?: SearchFilter | null }) =>
        reviews.filter(
          (review) =>
            contains(review.body, filter?.text) &&
            (filter?.region == null || review.region === filter.region),
        ),
      review: (_: unknown, { id }: { id: string }) => reviews.find((review) => review.id === id) ?? null,
      featured: () => [{ upc: 'p1' }, { upc: null }, { upc: 'p3' }],
      bundle: () => [{ upc: 'p2' }, { upc: null }],
      regionalPicks: (_: unknown, { region }: { region: string }) =>
        (regionalPicks[region] ?? []).map((upc) => ({ upc })),
    },
    Mutation: {
      previewReview: (_: unknown, args: { upc: string; body: string; region: string }): Review => ({
        id: 'draft',
        body: `[${args.region}] ${args.body}`,
        productUpc: args.upc,
        mentionedColor: null,
        listing: { sku: args.upc, market: null },
        region: args.region,
      }),
    },
    Review: {
      __resolveReference: ({ id }: { id: string }) => reviews.find((review) => review.id === id) ?? null,
      product: (review: Review) => ({ upc: review.productUpc }),
      listing: (review: Review) => review.listing,
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
      reviews: ({ upc }: { upc: string }) => reviews.filter((review) => review.productUpc === upc),
      cheapestListing: ({ upc }: { upc: string }) => cheapestListings[upc] ?? null,
    },
  },
};

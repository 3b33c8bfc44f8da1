import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

type MediaItem =
  | { kind: 'Book'; id: string; title: string; pages: number }
  | { kind: 'Movie'; id: string; title: string; runtimeMinutes: number };

/** What catalog owns. `x9` is deliberately absent: inventory still stocks it. */
const media: MediaItem[] = [
  { kind: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { kind: 'Book', id: 'b2', title: 'Hyperion', pages: 482 },
  { kind: 'Movie', id: 'm1', title: 'Alien', runtimeMinutes: 117 },
  { kind: 'Movie', id: 'm2', title: 'Heat', runtimeMinutes: 170 },
];

interface Review {
  id: string;
  mediaId: string;
  body: string;
  stars: number;
}
/** Newest first. Ratings: m1 5, b1 4.5, m2 3, b2 none. */
const reviews: Review[] = [
  { id: 'r1', mediaId: 'm2', body: 'Too long', stars: 3 },
  { id: 'r2', mediaId: 'b1', body: 'A desert epic', stars: 5 },
  { id: 'r3', mediaId: 'm1', body: 'Still terrifying', stars: 5 },
  { id: 'r4', mediaId: 'b1', body: 'Slow middle', stars: 4 },
];
/** The media ids the reviews subgraph tracks (whether reviewed or not). */
const reviewedIds = new Set(['b1', 'b2', 'm1', 'm2']);

const warehouses = [
  {
    code: 'w1',
    city: 'Lyon',
    stock: [
      { mediaId: 'b1', quantity: 3 },
      { mediaId: 'x9', quantity: 2 },
      { mediaId: 'm1', quantity: 0 },
    ],
  },
  {
    code: 'w2',
    city: 'Oslo',
    stock: [
      { mediaId: 'm2', quantity: 1 },
      { mediaId: 'b2', quantity: 5 },
    ],
  },
];
type Warehouse = (typeof warehouses)[number];

/**
 * Throws unless the gateway sent exactly `{ __typename, <key> }` with the given __typename: an
 * @interfaceObject must be sent as `Media`, a concrete reference as `Book` or `Movie`.
 */
function checkRepresentation(reference: Record<string, unknown>, typename: string, key = 'id'): string {
  const fields = Object.keys(reference).sort().join(',');
  if (fields !== ['__typename', key].sort().join(','))
    throw new Error(`Representation of ${typename} has fields ${fields}, expected __typename and ${key}`);
  if (reference.__typename !== typename)
    throw new Error(`Representation has __typename ${String(reference.__typename)}, expected ${typename}`);
  const value = reference[key];
  if (typeof value !== 'string') throw new Error(`Representation of ${typename} has no string ${key}`);
  return value;
}

const findMedia = (id: string) => media.find((item) => item.id === id) ?? null;

/** catalog: owns the Media entity interface and its two implementations. */
export const catalogSubgraph: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      catalog: [Media!]!
    }
    interface Media @key(fields: "id") {
      id: ID!
      title: String!
    }
    type Book implements Media @key(fields: "id") {
      id: ID!
      title: String!
      pages: Int!
    }
    type Movie implements Media @key(fields: "id") {
      id: ID!
      title: String!
      runtimeMinutes: Int!
    }
  `),
  resolvers: {
    Query: { catalog: () => media },
    Media: {
      // References typed as the interface: the gateway learns the concrete type here.
      __resolveReference: (reference: Record<string, unknown>) =>
        findMedia(checkRepresentation(reference, 'Media')),
      __resolveType: (item: MediaItem) => item.kind,
    },
    Book: {
      __resolveReference: (reference: Record<string, unknown>) => {
        const item = findMedia(checkRepresentation(reference, 'Book'));
        return item?.kind === 'Book' ? item : null;
      },
    },
    Movie: {
      __resolveReference: (reference: Record<string, unknown>) => {
        const item = findMedia(checkRepresentation(reference, 'Movie'));
        return item?.kind === 'Movie' ? item : null;
      },
    },
  },
};

const ratingOf = (id: string) => {
  const stars = reviews.filter((review) => review.mediaId === id).map((review) => review.stars);
  return stars.length === 0 ? null : stars.reduce((sum, value) => sum + value, 0) / stars.length;
};

/** reviews: adds reviews and a rating to every Media with @interfaceObject. */
export const reviewsSubgraph: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@interfaceObject"])
    type Query {
      "Rated media, best first."
      topRated(first: Int = 2): [Media!]!
      latestReviews: [Review!]!
    }
    type Media @key(fields: "id") @interfaceObject {
      id: ID!
      reviews: [Review!]!
      "Average stars, null when unreviewed."
      rating: Float
    }
    type Review {
      id: ID!
      body: String!
      stars: Int!
      media: Media!
    }
  `),
  resolvers: {
    Query: {
      topRated: (_: unknown, { first }: { first: number }) =>
        [...reviewedIds]
          .filter((id) => ratingOf(id) !== null)
          .sort((a, b) => (ratingOf(b) ?? 0) - (ratingOf(a) ?? 0))
          .slice(0, first)
          .map((id) => ({ id })),
      latestReviews: () => reviews,
    },
    Media: {
      __resolveReference: (reference: Record<string, unknown>) => {
        const id = checkRepresentation(reference, 'Media');
        return reviewedIds.has(id) ? { id } : null;
      },
      reviews: ({ id }: { id: string }) => reviews.filter((review) => review.mediaId === id),
      rating: ({ id }: { id: string }) => ratingOf(id),
    },
    Review: { media: (review: Review) => ({ id: review.mediaId }) },
  },
};

/** inventory: knows Media only as a non-resolvable @interfaceObject reference. */
export const inventorySubgraph: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@interfaceObject"])
    type Query {
      warehouse(code: ID!): Warehouse
      "Media to reorder, most urgent first; discontinued ones (unknown to catalog) on request."
      restockQueue(includeDiscontinued: Boolean = false): [Media!]!
    }
    type Warehouse @key(fields: "code") {
      code: ID!
      city: String!
      stock: [StockLine!]!
    }
    type StockLine {
      quantity: Int!
      media: Media
    }
    type Media @key(fields: "id", resolvable: false) @interfaceObject {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      warehouse: (_: unknown, { code }: { code: string }) =>
        warehouses.find((warehouse) => warehouse.code === code) ?? null,
      restockQueue: (_: unknown, { includeDiscontinued }: { includeDiscontinued: boolean }) =>
        includeDiscontinued ? [{ id: 'm1' }, { id: 'x9' }, { id: 'b2' }] : [{ id: 'm1' }, { id: 'b2' }],
    },
    Warehouse: {
      __resolveReference: (reference: Record<string, unknown>) => {
        const code = checkRepresentation(reference, 'Warehouse', 'code');
        return warehouses.find((warehouse) => warehouse.code === code) ?? null;
      },
      stock: (warehouse: Warehouse) =>
        warehouse.stock.map(({ mediaId, quantity }) => ({ quantity, media: { id: mediaId } })),
    },
  },
};

/** picks: knows the Media interface and Book only by non-resolvable keys, and never Movie. */
export const picksSubgraph: SubgraphDefinition = {
  name: 'picks',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      staffPicks: [Pick!]!
    }
    type Pick {
      note: String!
      media: Media!
    }
    interface Media @key(fields: "id", resolvable: false) {
      id: ID!
    }
    type Book implements Media @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      staffPicks: () => [
        { note: 'Pilgrims and the Shrike', media: { __typename: 'Book', id: 'b2' } },
        { note: 'Spice must flow', media: { __typename: 'Book', id: 'b1' } },
      ],
    },
    Media: { __resolveType: (reference: { __typename: string }) => reference.__typename },
  },
};

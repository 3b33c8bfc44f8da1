import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

type MediaItem =
  | { kind: 'Book'; id: string; title: string; pages: number; authorId: string }
  | { kind: 'Movie'; id: string; title: string; runtimeMinutes: number };

const media: MediaItem[] = [
  { kind: 'Book', id: 'b1', title: 'Dune', pages: 412, authorId: 'a1' },
  { kind: 'Book', id: 'b2', title: 'Neuromancer', pages: 271, authorId: 'a2' },
  { kind: 'Movie', id: 'm1', title: 'Alien', runtimeMinutes: 117 },
  { kind: 'Movie', id: 'm2', title: 'Arrival', runtimeMinutes: 116 },
];
const ratings: Record<string, { rating: number; ratingCount: number }> = {
  b1: { rating: 4.6, ratingCount: 1200 },
  b2: { rating: 4.1, ratingCount: 800 },
  m1: { rating: 4.8, ratingCount: 5000 },
  m2: { rating: 4.3, ratingCount: 3000 },
};
const people = [
  { id: 'a1', name: 'Frank Herbert' },
  { id: 'a2', name: 'William Gibson' },
];
/** What the search subgraph indexes, in ranking order. */
const searchIndex = [
  { __typename: 'Book', id: 'b1', text: 'dune' },
  { __typename: 'Person', id: 'a1', text: 'frank herbert' },
  { __typename: 'Book', id: 'b2', text: 'neuromancer' },
  { __typename: 'Person', id: 'a2', text: 'william gibson' },
];

const findMedia = (id: string) => media.find((item) => item.id === id) ?? null;
const findOfKind = (kind: MediaItem['kind']) => (reference: { id: string }) => {
  const item = findMedia(reference.id);
  return item?.kind === kind ? item : null;
};

/** media: owns the Media entity interface and its implementations. */
export const mediaSubgraph: SubgraphDefinition = {
  name: 'media',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      media: [Media!]!
      mediaItem(id: ID!): Media
    }
    interface Media @key(fields: "id") {
      id: ID!
      title: String!
    }
    type Book implements Media @key(fields: "id") {
      id: ID!
      title: String!
      pages: Int!
      author: Person!
    }
    type Movie implements Media @key(fields: "id") {
      id: ID!
      title: String!
      runtimeMinutes: Int!
    }
    type Person @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      media: () => media,
      mediaItem: (_: unknown, { id }: { id: string }) => findMedia(id),
    },
    Media: {
      // References typed as the interface come from the ratings subgraph's @interfaceObject.
      __resolveReference: ({ id }: { id: string }) => findMedia(id),
      __resolveType: (item: MediaItem) => item.kind,
    },
    Book: {
      __resolveReference: findOfKind('Book'),
      author: (book: { authorId: string }) => ({ id: book.authorId }),
    },
    Movie: { __resolveReference: findOfKind('Movie') },
  },
};

/** ratings: adds fields to every Media implementation at once with @interfaceObject. */
export const ratingsSubgraph: SubgraphDefinition = {
  name: 'ratings',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@interfaceObject"])
    type Query {
      topRated(limit: Int = 2): [Media!]!
    }
    type Media @key(fields: "id") @interfaceObject {
      id: ID!
      rating: Float!
      ratingCount: Int!
    }
  `),
  resolvers: {
    Query: {
      topRated: (_: unknown, { limit }: { limit: number }) =>
        Object.entries(ratings)
          .sort(([, a], [, b]) => b.rating - a.rating)
          .slice(0, limit)
          .map(([id]) => ({ id })),
    },
    Media: {
      __resolveReference: ({ id }: { id: string }) => (ratings[id] ? { id } : null),
      rating: ({ id }: { id: string }) => ratings[id]?.rating,
      ratingCount: ({ id }: { id: string }) => ratings[id]?.ratingCount,
    },
  },
};

/** search: a union of a Book it only knows by key and a Person it owns. */
export const searchSubgraph: SubgraphDefinition = {
  name: 'search',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      search(term: String!): [SearchResult!]!
    }
    union SearchResult = Book | Person
    type Book @key(fields: "id") {
      id: ID!
    }
    type Person @key(fields: "id") {
      id: ID!
      name: String!
    }
  `),
  resolvers: {
    Query: {
      search: (_: unknown, { term }: { term: string }) =>
        searchIndex.filter((entry) => entry.text.includes(term.toLowerCase())),
    },
    SearchResult: { __resolveType: (entry: { __typename: string }) => entry.__typename },
    Book: { __resolveReference: ({ id }: { id: string }) => ({ id }) },
    Person: {
      __resolveReference: ({ id }: { id: string }) => people.find((person) => person.id === id) ?? null,
      name: ({ id }: { id: string }) => people.find((person) => person.id === id)?.name,
    },
  },
};

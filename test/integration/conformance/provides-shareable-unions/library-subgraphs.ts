import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';
const LIBRARY_NAME = 'Riverside Library';

type Item =
  | { kind: 'Book'; id: string; title: string; pages: number }
  | { kind: 'Magazine'; id: string; title: string; issue: number };

/** Owned by catalog; titles are shared with inventory and provided by shelves. */
const items: Item[] = [
  { kind: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { kind: 'Book', id: 'b2', title: 'Neuromancer', pages: 271 },
  { kind: 'Book', id: 'b3', title: 'Solaris', pages: 204 },
  { kind: 'Magazine', id: 'm1', title: 'Wired', issue: 42 },
  { kind: 'Magazine', id: 'm2', title: 'Nature', issue: 7001 },
];
const books = items.filter((item) => item.kind === 'Book');
/** Owned by inventory. */
const stock: Record<string, { copies: number; location: string; shelfId: string }> = {
  b1: { copies: 3, location: 'A-12', shelfId: 's1' },
  b2: { copies: 0, location: 'B-03', shelfId: 's1' },
  b3: { copies: 5, location: 'C-07', shelfId: 's2' },
};
/** Owned by shelves. */
const shelves = [
  { id: 's1', label: 'New arrivals', itemIds: ['b1', 'm2', 'b2'], highlightId: 'm1' },
  { id: 's2', label: 'Classics', itemIds: ['b3'], highlightId: null },
];

const findItem = (id: string | null) => items.find((item) => item.id === id) ?? null;
const findBook = (id: string) => books.find((book) => book.id === id) ?? null;
const firstBooks = (first: number | null | undefined) => (first == null ? books : books.slice(0, first));

/** Checks a reference the gateway sent: the right type, with an id this subgraph knows. */
function reference(representation: { __typename?: string; id?: string }, typename: string): string {
  if (representation.__typename !== typename || typeof representation.id !== 'string') {
    throw new Error(`Bad ${typename} representation: ${JSON.stringify(representation)}`);
  }
  return representation.id;
}

/** catalog: owns Book and Magazine (the Item interface); book/books are shared with inventory. */
export const catalogSubgraph: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Query {
      book(id: ID!): Book @shareable
      books(first: Int): [Book!]! @shareable
      libraryName: String! @shareable
      openingHours: Hours! @shareable
    }
    interface Item {
      id: ID!
      title: String!
    }
    # title and issue are @shareable: inventory also resolves Book.title, and shelves provides
    # both; composition refuses a provided field that is not shareable in its owner.
    type Book implements Item @key(fields: "id") {
      id: ID!
      title: String! @shareable
      pages: Int!
    }
    type Magazine implements Item @key(fields: "id") {
      id: ID!
      title: String! @shareable
      issue: Int! @shareable
    }
    type Hours @shareable {
      open: String!
      close: String!
    }
  `),
  resolvers: {
    Query: {
      book: (_: unknown, { id }: { id: string }) => findBook(id),
      books: (_: unknown, { first }: { first?: number | null }) => firstBooks(first),
      libraryName: () => LIBRARY_NAME,
      openingHours: () => ({ open: '09:00', close: '18:00' }),
    },
    Item: { __resolveType: (item: Item) => item.kind },
    Book: {
      __resolveReference: (representation: { id: string }) => {
        const item = findItem(reference(representation, 'Book'));
        return item?.kind === 'Book' ? item : null;
      },
    },
    Magazine: {
      __resolveReference: (representation: { id: string }) => {
        const item = findItem(reference(representation, 'Magazine'));
        return item?.kind === 'Magazine' ? item : null;
      },
    },
  },
};

/** inventory: serves the same book/books root fields, with its own Book fields. */
export const inventorySubgraph: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Query {
      book(id: ID!): Book @shareable
      books(first: Int): [Book!]! @shareable
      libraryName: String! @shareable
      openingHours: Hours! @shareable
    }
    type Book @key(fields: "id") {
      id: ID!
      title: String! @shareable
      copies: Int!
      location: String!
      shelf: Shelf!
    }
    type Shelf @key(fields: "id", resolvable: false) {
      id: ID!
    }
    type Hours @shareable {
      open: String!
      close: String!
      "Only inventory knows it, so a query selecting it must be planned on inventory."
      note: String
    }
  `),
  resolvers: {
    Query: {
      book: (_: unknown, { id }: { id: string }) => findBook(id),
      books: (_: unknown, { first }: { first?: number | null }) => firstBooks(first),
      libraryName: () => LIBRARY_NAME,
      openingHours: () => ({ open: '09:00', close: '18:00', note: 'Closed on public holidays' }),
    },
    Book: {
      __resolveReference: (representation: { id: string }) => findBook(reference(representation, 'Book')),
      copies: ({ id }: { id: string }) => stock[id]?.copies,
      location: ({ id }: { id: string }) => stock[id]?.location,
      shelf: ({ id }: { id: string }) => ({ id: stock[id]?.shelfId }),
    },
  },
};

/** What shelves answers for an item: only the fields it provides, never pages. */
const providedItem = (id: string | null) => {
  const item = findItem(id);
  if (!item) return null;
  return item.kind === 'Book'
    ? { kind: item.kind, id: item.id, title: item.title }
    : { kind: item.kind, id: item.id, title: item.title, issue: item.issue };
};
/** For @provides(fields: "... on Book { title }"): a Magazine comes with its id alone. */
const bookTitleOnly = (id: string | null) => {
  const item = providedItem(id);
  return item?.kind === 'Magazine' ? { kind: item.kind, id: item.id } : item;
};

/** shelves: returns items, and @provides some of their catalog-owned fields. */
export const shelvesSubgraph: SubgraphDefinition = {
  name: 'shelves',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@external", "@provides"])
    type Query {
      featured: [Item!]! @provides(fields: "... on Book { title } ... on Magazine { title }")
      picks: [Pick]! @provides(fields: "... on Book { title }")
      shelf(id: ID!): Shelf
    }
    interface Item {
      id: ID!
      title: String!
    }
    union Pick = Book | Magazine
    type Book implements Item @key(fields: "id", resolvable: false) {
      id: ID!
      title: String! @external
    }
    type Magazine implements Item @key(fields: "id", resolvable: false) {
      id: ID!
      title: String! @external
      issue: Int! @external
    }
    type Shelf @key(fields: "id") {
      id: ID!
      label: String!
      items: [Item!]! @provides(fields: "... on Book { title } ... on Magazine { title issue }")
      highlight: Pick @provides(fields: "... on Magazine { title issue }")
    }
  `),
  resolvers: {
    Query: {
      featured: () => ['b2', 'm1', 'b1'].map(providedItem),
      picks: () => ['m2', 'b3', null, 'b1'].map(bookTitleOnly),
      shelf: (_: unknown, { id }: { id: string }) => shelves.find((shelf) => shelf.id === id) ?? null,
    },
    Item: { __resolveType: (item: { kind: string }) => item.kind },
    Pick: { __resolveType: (item: { kind: string }) => item.kind },
    Shelf: {
      __resolveReference: (representation: { id: string }) => {
        const id = reference(representation, 'Shelf');
        return shelves.find((shelf) => shelf.id === id) ?? null;
      },
      items: (shelf: (typeof shelves)[number]) => shelf.itemIds.map(providedItem),
      highlight: (shelf: (typeof shelves)[number]) => {
        const item = providedItem(shelf.highlightId);
        return item?.kind === 'Book' ? { kind: item.kind, id: item.id } : item;
      },
    },
  },
};

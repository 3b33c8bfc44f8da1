import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

interface Book {
  id: string;
  title: string;
  year: number;
  genre: 'SCIFI' | 'FANTASY' | 'HISTORY';
  tags: string[];
}
interface BookFilter {
  genre?: string | null;
  minYear?: number | null;
  titleContains?: string | null;
  tags?: string[] | null;
}

const books: Book[] = [
  { id: '1', title: 'Foundation', year: 1951, genre: 'SCIFI', tags: ['classic', 'space', 'empire'] },
  { id: '2', title: 'The Hobbit', year: 1937, genre: 'FANTASY', tags: ['classic', 'dragons'] },
  { id: '3', title: 'Hyperion', year: 1989, genre: 'SCIFI', tags: ['space', 'pilgrims'] },
  { id: '4', title: 'SPQR', year: 2015, genre: 'HISTORY', tags: ['rome'] },
  { id: '5', title: 'The Histories', year: -430, genre: 'HISTORY', tags: ['greece'] },
];
const loans = [
  { id: 'L1', bookId: '1', borrower: 'alice', status: 'ACTIVE' },
  { id: 'L2', bookId: '1', borrower: 'bob', status: 'RETURNED' },
  { id: 'L3', bookId: '3', borrower: 'carol', status: 'ACTIVE' },
  { id: 'L4', bookId: '2', borrower: 'dave', status: 'RETURNED' },
];

const findBook = (id: string) => books.find((book) => book.id === id) ?? null;

function matches(book: Book, filter: BookFilter): boolean {
  if (filter.genre != null && book.genre !== filter.genre) return false;
  if (filter.minYear != null && book.year < filter.minYear) return false;
  if (filter.titleContains != null && !book.title.toLowerCase().includes(filter.titleContains.toLowerCase()))
    return false;
  if (filter.tags != null && !filter.tags.some((tag) => book.tags.includes(tag))) return false;
  return true;
}

/** library: owns Book; takes input objects, lists, enums and defaults as arguments. */
export const librarySubgraph: SubgraphDefinition = {
  name: 'library',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      books(filter: BookFilter, first: Int = 10): [Book!]!
      booksByIds(ids: [ID!]!): [Book]!
      book(id: ID!): Book
    }
    input BookFilter {
      genre: Genre
      minYear: Int = 1900
      titleContains: String
      tags: [String!]
    }
    enum Genre {
      SCIFI
      FANTASY
      HISTORY
    }
    type Book @key(fields: "id") {
      id: ID!
      title: String!
      year: Int!
      genre: Genre!
      tags(limit: Int = 10): [String!]!
    }
  `),
  resolvers: {
    Query: {
      books: (_: unknown, { filter, first }: { filter?: BookFilter | null; first: number }) =>
        books.filter((book) => (filter ? matches(book, filter) : true)).slice(0, first),
      booksByIds: (_: unknown, { ids }: { ids: string[] }) => ids.map(findBook),
      book: (_: unknown, { id }: { id: string }) => findBook(id),
    },
    Book: {
      __resolveReference: ({ id }: { id: string }) => findBook(id),
      tags: (book: Book, { limit }: { limit: number }) => book.tags.slice(0, limit),
    },
  },
};

/** loans: adds loans to Book, with an enum argument that has a default. */
export const loansSubgraph: SubgraphDefinition = {
  name: 'loans',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Book @key(fields: "id") {
      id: ID!
      loans(status: LoanStatus = ACTIVE): [Loan!]!
      loanCount: Int!
    }
    type Loan {
      id: ID!
      borrower: String!
      status: LoanStatus!
    }
    enum LoanStatus {
      ACTIVE
      RETURNED
    }
  `),
  resolvers: {
    Book: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      loans: ({ id }: { id: string }, { status }: { status: string }) =>
        loans.filter((loan) => loan.bookId === id && loan.status === status),
      loanCount: ({ id }: { id: string }) => loans.filter((loan) => loan.bookId === id).length,
    },
  },
};

import type { ConformanceCase } from '../types.js';

export const fragmentAndAliasCases: ConformanceCase[] = [
  {
    name: 'nested named fragments across the subgraph boundary',
    query: /* GraphQL */ `
      query Summaries {
        books(filter: { genre: SCIFI }) {
          ...BookSummary
        }
      }
      fragment BookSummary on Book {
        id
        title
        ...LoanInfo
      }
      fragment LoanInfo on Book {
        loanCount
        loans(status: ACTIVE) {
          ...LoanFields
        }
      }
      fragment LoanFields on Loan {
        borrower
        status
      }
    `,
    expected: {
      data: {
        books: [
          { id: '1', title: 'Foundation', loanCount: 2, loans: [{ borrower: 'alice', status: 'ACTIVE' }] },
          { id: '3', title: 'Hyperion', loanCount: 1, loans: [{ borrower: 'carol', status: 'ACTIVE' }] },
        ],
      },
    },
    subgraphRequests: { library: 1, loans: 1 },
  },
  {
    name: 'fields repeated by fragments are merged, in first-seen order',
    query:
      '{ book(id: "1") { title ... on Book { year title } ...F } } fragment F on Book { loanCount year }',
    expected: { data: { book: { title: 'Foundation', year: 1951, loanCount: 2 } } },
  },
  {
    name: 'the same field aliased twice with different arguments',
    query: '{ book(id: "1") { short: tags(limit: 1) all: tags name: title } }',
    expected: {
      data: { book: { short: ['classic'], all: ['classic', 'space', 'empire'], name: 'Foundation' } },
    },
  },
  {
    name: 'the same field of another subgraph aliased twice, with an enum default and an explicit value',
    query: '{ book(id: "1") { active: loans { borrower } returned: loans(status: RETURNED) { borrower } } }',
    expected: { data: { book: { active: [{ borrower: 'alice' }], returned: [{ borrower: 'bob' }] } } },
    subgraphRequests: { library: 1, loans: 1 },
  },
  {
    name: 'aliased root fields',
    query: '{ a: book(id: "1") { title } b: book(id: "2") { title } }',
    expected: { data: { a: { title: 'Foundation' }, b: { title: 'The Hobbit' } } },
  },
  {
    name: '__typename at every level',
    query: '{ __typename book(id: "1") { __typename loans(status: RETURNED) { __typename status } } }',
    expected: {
      data: {
        __typename: 'Query',
        book: { __typename: 'Book', loans: [{ __typename: 'Loan', status: 'RETURNED' }] },
      },
    },
  },
  {
    name: 'aliased __typename alone on the root needs no subgraph',
    query: '{ __typename kind: __typename }',
    expected: { data: { __typename: 'Query', kind: 'Query' } },
    subgraphRequests: {},
  },
  {
    name: 'operationName picks one of several operations',
    query: 'query A { book(id: "1") { title } } query B { book(id: "2") { title } }',
    operationName: 'B',
    expected: { data: { book: { title: 'The Hobbit' } } },
  },
];

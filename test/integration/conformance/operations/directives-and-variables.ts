import type { ConformanceCase } from '../types.js';

export const directiveAndVariableCases: ConformanceCase[] = [
  {
    name: '@include(if: true) from a variable keeps a field of another subgraph',
    query:
      'query ($withLoans: Boolean!) { book(id: "1") { title loans @include(if: $withLoans) { borrower } } }',
    variables: { withLoans: true },
    expected: { data: { book: { title: 'Foundation', loans: [{ borrower: 'alice' }] } } },
    subgraphRequests: { library: 1, loans: 1 },
  },
  {
    name: '@include(if: false) from a variable drops it, and the fetch it needed',
    query:
      'query ($withLoans: Boolean!) { book(id: "1") { title loans @include(if: $withLoans) { borrower } } }',
    variables: { withLoans: false },
    expected: { data: { book: { title: 'Foundation' } } },
    subgraphRequests: { library: 1 },
  },
  {
    name: '@skip(if: true) from a variable',
    query: 'query ($skip: Boolean!) { book(id: "3") { title year @skip(if: $skip) genre } }',
    variables: { skip: true },
    expected: { data: { book: { title: 'Hyperion', genre: 'SCIFI' } } },
  },
  {
    name: '@skip and @include on inline fragments, fragment spreads and together on one field',
    query: /* GraphQL */ `
      query ($a: Boolean!, $b: Boolean!) {
        book(id: "1") {
          ... @include(if: $a) {
            year
          }
          ...Loans @skip(if: $b)
          title @include(if: $a) @skip(if: $b)
        }
      }
      fragment Loans on Book {
        loanCount
      }
    `,
    variables: { a: true, b: true },
    expected: { data: { book: { year: 1951 } } },
    subgraphRequests: { library: 1 },
  },
  {
    name: '@skip and @include with literal arguments',
    query: '{ book(id: "2") { title @skip(if: false) year @include(if: false) loanCount @skip(if: true) } }',
    expected: { data: { book: { title: 'The Hobbit' } } },
    subgraphRequests: { library: 1 },
  },
  {
    name: 'an input object variable gets the default of a field it leaves out',
    query: 'query ($filter: BookFilter) { books(filter: $filter) { title } }',
    variables: { filter: { genre: 'HISTORY' } },
    expected: { data: { books: [{ title: 'SPQR' }] } },
  },
  {
    name: 'an explicit null in an input object is not the default',
    query: '{ books(filter: { genre: HISTORY, minYear: null }) { title year } }',
    expected: {
      data: {
        books: [
          { title: 'SPQR', year: 2015 },
          { title: 'The Histories', year: -430 },
        ],
      },
    },
  },
  {
    name: 'an inline input object with a nested list and a variable inside',
    query: 'query ($since: Int) { books(filter: { tags: ["space", "rome"], minYear: $since }) { title } }',
    variables: { since: 1980 },
    expected: { data: { books: [{ title: 'Hyperion' }, { title: 'SPQR' }] } },
  },
  {
    name: 'a list variable; nullable list items stay in place',
    query: 'query ($ids: [ID!]!) { booksByIds(ids: $ids) { id title } }',
    variables: { ids: ['3', '404', '1'] },
    expected: {
      data: { booksByIds: [{ id: '3', title: 'Hyperion' }, null, { id: '1', title: 'Foundation' }] },
    },
  },
  {
    name: 'a single value where a list is expected is coerced to a list, as a literal and as a variable',
    query:
      'query ($ids: [ID!]!) { literal: booksByIds(ids: "2") { title } variable: booksByIds(ids: $ids) { id } }',
    variables: { ids: '4' },
    expected: { data: { literal: [{ title: 'The Hobbit' }], variable: [{ id: '4' }] } },
  },
  {
    name: 'a variable default value applies when the variable is not sent',
    query: 'query ($first: Int = 2) { books(first: $first) { id } }',
    expected: { data: { books: [{ id: '1' }, { id: '2' }] } },
  },
  {
    name: 'argument defaults apply when arguments are left out',
    query: '{ books { id } book(id: "1") { tags } }',
    expected: {
      data: {
        books: [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }, { id: '5' }],
        book: { tags: ['classic', 'space', 'empire'] },
      },
    },
  },
  {
    name: 'a required variable that is not sent',
    query: 'query ($ids: [ID!]!) { booksByIds(ids: $ids) { id } }',
    status: 400,
    expected: {
      errors: [
        {
          message: 'Variable "$ids" of required type "[ID!]!" was not provided.',
          locations: [{ line: 1, column: 8 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    },
    subgraphRequests: {},
  },
  {
    name: 'a variable with an invalid enum value inside an input object',
    query: 'query ($filter: BookFilter) { books(filter: $filter) { id } }',
    variables: { filter: { genre: 'POETRY' } },
    status: 400,
    expected: {
      errors: [
        {
          message:
            'Variable "$filter" got invalid value "POETRY" at "filter.genre"; Value "POETRY" does not exist in "Genre" enum.',
          locations: [{ line: 1, column: 8 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    },
    subgraphRequests: {},
  },
];

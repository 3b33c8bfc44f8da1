import { badUserInput, validationError } from '../expected-errors.js';
import type { ConformanceCase } from '../types.js';

/** Color: output-only union merge; Region: input-only intersection; SearchFilter: no maxPrice. */
export const enumAndInputCases: ConformanceCase[] = [
  {
    name: 'output enum (union merge): values only one subgraph defines come through from it',
    // BLACK exists only in catalog's Color, BLUE only in reviews' Color.
    query: '{ product(upc: "p2") { name color reviews { mentionedColor } } }',
    expected: {
      data: { product: { name: 'Toaster', color: 'BLACK', reviews: [{ mentionedColor: 'BLUE' }] } },
    },
    subgraphRequests: { catalog: 1, reviews: 1 },
  },
  {
    name: 'output enum value the resolving subgraph lacks: that subgraph errors, the field is null',
    // reviews stores BLACK for r4, but its own Color has no BLACK: it cannot serialize it, even
    // though the supergraph's Color has BLACK. The catalog's GREEN for the same review's product is fine.
    query: '{ review(id: "r4") { body mentionedColor product { color } } }',
    expected: {
      data: { review: { body: 'Looks black to me', mentionedColor: null, product: { color: 'GREEN' } } },
      errors: [
        {
          message: 'Enum "Color" cannot represent value: "BLACK"',
          path: ['review', 'mentionedColor'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'reviews' },
        },
      ],
    },
    subgraphRequests: { reviews: 1, catalog: 1 },
  },
  {
    name: 'output enum value the resolving subgraph lacks, below an entity fetch: error at the client path',
    // Reviews per product: p1 r1 (RED), p2 r2 (BLUE), p3 r4 (BLACK, which reviews cannot serialize).
    query: '{ products { name reviews { mentionedColor } } }',
    expected: {
      data: {
        products: [
          { name: 'Kettle', reviews: [{ mentionedColor: 'RED' }] },
          { name: 'Toaster', reviews: [{ mentionedColor: 'BLUE' }] },
          { name: 'Kiln', reviews: [{ mentionedColor: null }] },
        ],
      },
      errors: [
        {
          message: 'Enum "Color" cannot represent value: "BLACK"',
          path: ['products', 2, 'reviews', 0, 'mentionedColor'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'reviews' },
        },
      ],
    },
    subgraphRequests: { catalog: 1, reviews: 1 },
  },
  {
    name: 'input enum (intersection merge): a literal and a variable with its default, to two subgraphs',
    query: /* GraphQL */ `
      query Picks($region: Region = US) {
        productsInRegion(region: EU) {
          upc
        }
        regionalPicks(region: $region) {
          upc
          name
        }
      }
    `,
    expected: {
      data: {
        productsInRegion: [{ upc: 'p1' }, { upc: 'p3' }],
        regionalPicks: [{ upc: 'p2', name: 'Toaster' }],
      },
    },
  },
  {
    name: 'input enum value only one subgraph defines, as a literal: validation fails',
    // catalog accepts APAC, but the supergraph's Region is the intersection: EU and US.
    query: '{ productsInRegion(region: APAC) { upc } }',
    status: 400,
    expected: { errors: [validationError('Value "APAC" does not exist in "Region" enum.', 1, 28)] },
    subgraphRequests: {},
  },
  {
    name: 'input enum value only one subgraph defines, as a variable default: validation fails',
    query: 'query ($region: Region = APAC) { productsInRegion(region: $region) { upc } }',
    status: 400,
    expected: { errors: [validationError('Value "APAC" does not exist in "Region" enum.', 1, 26)] },
    subgraphRequests: {},
  },
  {
    name: 'input enum value only one subgraph defines, as a variable: BAD_USER_INPUT',
    query: 'query ($region: Region!) { productsInRegion(region: $region) { upc } }',
    variables: { region: 'APAC' },
    status: 400,
    expected: {
      errors: [
        badUserInput(
          'Variable "$region" got invalid value "APAC"; Value "APAC" does not exist in "Region" enum.',
          1,
          8,
        ),
      ],
    },
    subgraphRequests: {},
  },
  {
    name: 'input object field only one subgraph defines, as a literal: validation fails',
    query: '{ products(filter: { text: "k", maxPrice: 100 }) { upc } }',
    status: 400,
    expected: { errors: [validationError('Field "maxPrice" is not defined by type "SearchFilter".', 1, 33)] },
    subgraphRequests: {},
  },
  {
    name: 'input object field only one subgraph defines, in a variable: BAD_USER_INPUT',
    query: 'query ($filter: SearchFilter) { products(filter: $filter) { upc } }',
    variables: { filter: { text: 'k', maxPrice: 100 } },
    status: 400,
    expected: {
      errors: [
        badUserInput(
          'Variable "$filter" got invalid value { text: "k", maxPrice: 100 }; Field "maxPrice" is not defined by type "SearchFilter".',
          1,
          8,
        ),
      ],
    },
    subgraphRequests: {},
  },
  {
    name: 'one input object variable with a merged enum, sent to two subgraphs',
    // catalog matches "k" in names (Kettle, Kiln; both sold in EU), reviews in bodies, written in EU.
    query: /* GraphQL */ `
      query Search($filter: SearchFilter) {
        products(filter: $filter) {
          upc
          name
        }
        reviews(filter: $filter) {
          id
          body
        }
      }
    `,
    variables: { filter: { text: 'k', region: 'EU' } },
    expected: {
      data: {
        products: [
          { upc: 'p1', name: 'Kettle' },
          { upc: 'p3', name: 'Kiln' },
        ],
        reviews: [{ id: 'r4', body: 'Looks black to me' }],
      },
    },
    subgraphRequests: { catalog: 1, reviews: 1 },
  },
  {
    name: 'mutation: an absent enum variable leaves the argument default of the input-only enum',
    query: /* GraphQL */ `
      mutation Preview($region: Region) {
        previewReview(upc: "p3", body: "Hot!", region: $region) {
          body
          product {
            name
            color
          }
        }
      }
    `,
    expected: { data: { previewReview: { body: '[EU] Hot!', product: { name: 'Kiln', color: 'GREEN' } } } },
    subgraphRequests: { reviews: 1, catalog: 1 },
  },
  {
    name: 'introspection: the union of the output enum, the intersection of the input enum and input object',
    query: /* GraphQL */ `
      {
        color: __type(name: "Color") {
          enumValues {
            name
          }
        }
        region: __type(name: "Region") {
          enumValues {
            name
          }
        }
        filter: __type(name: "SearchFilter") {
          inputFields {
            name
          }
        }
      }
    `,
    expected: {
      data: {
        color: { enumValues: [{ name: 'RED' }, { name: 'GREEN' }, { name: 'BLACK' }, { name: 'BLUE' }] },
        region: { enumValues: [{ name: 'EU' }, { name: 'US' }] },
        filter: { inputFields: [{ name: 'text' }, { name: 'region' }] },
      },
    },
    subgraphRequests: {},
  },
];

import type { ConformanceCase } from '../types.js';

/**
 * Post.wordCount moved from posts to stats with @override, where it @requires posts' text;
 * Event.isFull moved from events to stats, requiring capacity and attendees; feed's
 * Post.readingTime @requires the moved wordCount. The old owners' stale resolvers answer -1 and
 * null, and stats throws when a required field is missing, so a wrong owner shows in the data.
 */
export const overrideCases: ConformanceCase[] = [
  {
    name: '@override + @requires: the new owner serves the field from the old owner’s data',
    query: '{ post(id: "p1") { wordCount } }',
    expected: { data: { post: { wordCount: 4 } } },
    subgraphRequests: { posts: 1, stats: 1 },
  },
  {
    name: '@override + @requires: the required field also selected, the moved one aliased',
    query: 'query Words($id: ID!) { post(id: $id) { text words: wordCount } }',
    variables: { id: 'p2' },
    expected: { data: { post: { text: 'Hello world', words: 2 } } },
    subgraphRequests: { posts: 1, stats: 1 },
  },
  {
    name: 'an overridden field required by a third subgraph: posts → stats → feed',
    query: '{ post(id: "p1") { readingTime } }',
    expected: { data: { post: { readingTime: '60 seconds' } } },
    subgraphRequests: { posts: 1, stats: 1, feed: 1 },
  },
  {
    name: '@override + @requires: a null entity stops the chain',
    query: '{ post(id: "p9") { wordCount readingTime } }',
    expected: { data: { post: null } },
    subgraphRequests: { posts: 1 },
  },
  {
    name: '@override + @requires after a mutation: the new owner gets the text just written',
    query: /* GraphQL */ `
      mutation Edit($id: ID!, $text: String!) {
        setPostText(id: $id, text: $text) {
          id
          text
          wordCount
          readingTime
        }
      }
    `,
    variables: { id: 'p3', text: 'Plans all the way down' },
    expected: {
      data: {
        setPostText: { id: 'p3', text: 'Plans all the way down', wordCount: 5, readingTime: '75 seconds' },
      },
    },
    subgraphRequests: { posts: 1, stats: 1, feed: 1 },
  },
  {
    name: 'a requiring field skipped by @include with a defaulted variable: no request to its subgraph',
    query: /* GraphQL */ `
      query Pinned($withTime: Boolean = false) {
        pinned {
          ... on Post {
            id
            wordCount
            readingTime @include(if: $withTime)
          }
        }
      }
    `,
    expected: {
      data: {
        pinned: [
          { id: 'p2', wordCount: 2 },
          { id: 'p1', wordCount: 4 },
        ],
      },
    },
    subgraphRequests: { posts: 1, stats: 1 },
  },
  {
    name: 'the same operation with the requiring field included: the whole chain runs',
    query: /* GraphQL */ `
      query Pinned($withTime: Boolean = false) {
        pinned {
          ... on Post {
            id
            wordCount
            readingTime @include(if: $withTime)
          }
        }
      }
    `,
    variables: { withTime: true },
    expected: {
      data: {
        pinned: [
          { id: 'p2', wordCount: 2, readingTime: '30 seconds' },
          { id: 'p1', wordCount: 4, readingTime: '60 seconds' },
        ],
      },
    },
    subgraphRequests: { posts: 1, stats: 1, feed: 1 },
  },
  {
    name: '@override + @requires of two fields, on two aliased root entities',
    query: '{ event(id: "e1") { name isFull } e2: event(id: "e2") { isFull } }',
    expected: { data: { event: { name: 'GraphQL Summit', isFull: true }, e2: { isFull: false } } },
  },
  {
    name: '@override + @requires on each member of a union list, with the requiring chain',
    query: '{ feed { ... on Post { id wordCount readingTime } ... on Event { id isFull } } }',
    expected: {
      data: {
        feed: [
          { id: 'p1', wordCount: 4, readingTime: '60 seconds' },
          { id: 'e1', isFull: true },
          null,
          {},
          { id: 'p2', wordCount: 2, readingTime: '30 seconds' },
          { id: 'e2', isFull: false },
        ],
      },
    },
  },
  {
    name: '@override + @requires on entities nested in another subgraph’s union',
    query: '{ event(id: "e1") { related { ... on Post { wordCount } } } }',
    expected: { data: { event: { related: [{ wordCount: 4 }, {}] } } },
    subgraphRequests: { events: 1, posts: 1, stats: 1 },
  },
];

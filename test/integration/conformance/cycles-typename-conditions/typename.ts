import type { ConformanceCase } from '../types.js';

/**
 * `__typename` where a subgraph boundary is: the gateway knows an entity's type from the
 * reference, so a `__typename` alone must not cost a fetch to the entity's owner.
 */
export const typenameCases: ConformanceCase[] = [
  {
    name: '__typename alone on an entity reference needs no fetch to its owner',
    query: '{ post(id: "p1") { author { __typename } } }',
    expected: { data: { post: { author: { __typename: 'User' } } } },
    subgraphRequests: { posts: 1 },
  },
  {
    name: '__typename and the key of entity references in a list, one of them null',
    query: '{ posts { id author { __typename id } } }',
    expected: {
      data: {
        posts: [
          { id: 'p1', author: { __typename: 'User', id: 'u1' } },
          { id: 'p2', author: { __typename: 'User', id: 'u1' } },
          { id: 'p3', author: null },
          { id: 'p4', author: { __typename: 'User', id: 'u2' } },
        ],
      },
    },
    subgraphRequests: { posts: 1 },
  },
  {
    name: '__typename aliased and selected twice around a field of the owner subgraph',
    query: '{ post(id: "p4") { author { kind: __typename __typename name again: __typename } } }',
    expected: {
      data: { post: { author: { kind: 'User', __typename: 'User', name: 'Grace', again: 'User' } } },
    },
    subgraphRequests: { posts: 1, users: 1 },
  },
  {
    name: '__typename from an inline fragment and from a named fragment on the interface, on both sides of fetches',
    query: /* GraphQL */ `
      {
        comment(id: "c1") {
          ... on Comment {
            __typename
          }
          author {
            ...TypeOnly
            ... on User {
              name
            }
          }
          post {
            ...TypeOnly
            title
          }
        }
      }
      fragment TypeOnly on Node {
        __typename
      }
    `,
    expected: {
      data: {
        comment: {
          __typename: 'Comment',
          author: { __typename: 'User', name: 'Grace' },
          post: { __typename: 'Post', title: 'Federation basics' },
        },
      },
    },
    subgraphRequests: { comments: 1, users: 1, posts: 1 },
  },
  {
    name: '__typename alone on interface items whose types are owned elsewhere, with a null item',
    query: '{ nodes(ids: ["c4", "u2", "nope", "p3"]) { __typename } }',
    expected: {
      data: { nodes: [{ __typename: 'Comment' }, { __typename: 'User' }, null, { __typename: 'Post' }] },
    },
    subgraphRequests: { users: 1 },
  },
  {
    name: '__typename on the interface items of a field only another subgraph can resolve',
    query: '{ node(id: "p2") { __typename ... on Post { related { __typename } } } }',
    expected: {
      data: {
        node: {
          __typename: 'Post',
          related: [{ __typename: 'User' }, { __typename: 'Post' }, { __typename: 'Post' }],
        },
      },
    },
    subgraphRequests: { users: 1, posts: 1 },
  },
  {
    name: '__typename on union members, again inside the fragment of the member owned elsewhere',
    query: '{ timeline { __typename ... on Post { title } ... on Comment { __typename text } } }',
    expected: {
      data: {
        timeline: [
          { __typename: 'Post', title: 'Query plans' },
          { __typename: 'Comment', text: 'What about @defer?' },
          { __typename: 'Post', title: 'Gateways' },
          { __typename: 'Comment', text: 'Nice intro' },
        ],
      },
    },
    subgraphRequests: { posts: 1, comments: 1 },
  },
  {
    name: '__typename on a value type, a null value object and a list of entities from another subgraph',
    query: '{ users { __typename profile { __typename location } posts { __typename } } }',
    expected: {
      data: {
        users: [
          {
            __typename: 'User',
            profile: { __typename: 'Profile', location: 'London' },
            posts: [{ __typename: 'Post' }, { __typename: 'Post' }],
          },
          {
            __typename: 'User',
            profile: { __typename: 'Profile', location: null },
            posts: [{ __typename: 'Post' }],
          },
          { __typename: 'User', profile: null, posts: [] },
        ],
      },
    },
    subgraphRequests: { users: 1, posts: 1 },
  },
  {
    name: '__typename at the end of a chain of fetches costs no third subgraph',
    query: '{ comment(id: "c3") { post { title author { __typename } } } }',
    expected: { data: { comment: { post: { title: 'Query plans', author: { __typename: 'User' } } } } },
    subgraphRequests: { comments: 1, posts: 1 },
  },
  {
    name: '__typename on the mutation root, aliased, and on the value type it returns with a null entity',
    query: /* GraphQL */ `
      mutation {
        __typename
        flagPost(id: "p404", reason: "duplicate") {
          __typename
          reason
          post {
            __typename
            title
          }
        }
        root: __typename
      }
    `,
    expected: {
      data: {
        __typename: 'Mutation',
        flagPost: { __typename: 'Flag', reason: 'duplicate', post: null },
        root: 'Mutation',
      },
    },
    subgraphRequests: { posts: 1 },
  },
];

import type { ConformanceCase } from '../types.js';

const POST_TITLES_WITH_AUTHOR = /* GraphQL */ `
  query Titles($withAuthor: Boolean = false) {
    posts {
      title
      author @include(if: $withAuthor) {
        name
      }
    }
  }
`;

const USER_ACTIVITY = /* GraphQL */ `
  query Activity($details: Boolean = true) {
    user(id: "u2") {
      name
      ...Activity @include(if: $details)
    }
  }
  fragment Activity on User {
    posts {
      title
    }
    comments {
      text
    }
  }
`;

/**
 * `@include`/`@skip` where a fetch starts: a selection the client turned off must not appear,
 * and the fetches only it needed must not be sent.
 */
export const conditionCases: ConformanceCase[] = [
  {
    name: '@include with an absent variable defaulting to false drops the field that starts a fetch',
    query: POST_TITLES_WITH_AUTHOR,
    expected: {
      data: {
        posts: [
          { title: 'Federation basics' },
          { title: 'Query plans' },
          { title: 'Anonymous tips' },
          { title: 'Gateways' },
        ],
      },
    },
    subgraphRequests: { posts: 1 },
  },
  {
    name: '@include with the variable sent as true overrides its default and keeps the fetch',
    query: POST_TITLES_WITH_AUTHOR,
    variables: { withAuthor: true },
    expected: {
      data: {
        posts: [
          { title: 'Federation basics', author: { name: 'Ada' } },
          { title: 'Query plans', author: { name: 'Ada' } },
          { title: 'Anonymous tips', author: null },
          { title: 'Gateways', author: { name: 'Grace' } },
        ],
      },
    },
    subgraphRequests: { posts: 1, users: 1 },
  },
  {
    name: 'opposite conditions on inline fragments whose fields live in other subgraphs',
    query: /* GraphQL */ `
      query ($brief: Boolean!) {
        full: node(id: "p1") {
          id
          ... on Post @skip(if: $brief) {
            title
            comments {
              text
            }
          }
        }
        short: node(id: "p4") {
          id
          ... on Post @include(if: $brief) {
            title
          }
        }
      }
    `,
    variables: { brief: true },
    expected: { data: { full: { id: 'p1' }, short: { id: 'p4', title: 'Gateways' } } },
    // The skipped fragment was the only reason to call comments.
    subgraphRequests: { users: 1, posts: 1 },
  },
  {
    name: '@include on a named fragment spread over two subgraphs, its variable absent: the default true',
    query: USER_ACTIVITY,
    expected: {
      data: { user: { name: 'Grace', posts: [{ title: 'Gateways' }], comments: [{ text: 'Nice intro' }] } },
    },
    subgraphRequests: { users: 1, posts: 1, comments: 1 },
  },
  {
    name: '@include on a named fragment spread, false: both subgraphs of the fragment are left alone',
    query: USER_ACTIVITY,
    variables: { details: false },
    expected: { data: { user: { name: 'Grace' } } },
    subgraphRequests: { users: 1 },
  },
  {
    name: '@include and @skip together on fields that start a fetch: only included and not skipped stays',
    query: /* GraphQL */ `
      query ($inc: Boolean!, $skip: Boolean!) {
        post(id: "p4") {
          title
          a: author @include(if: $inc) @skip(if: $skip) {
            name
          }
          b: author @include(if: $skip) @skip(if: $inc) {
            handle
          }
          c: author @include(if: $inc) @skip(if: $inc) {
            id
          }
        }
      }
    `,
    variables: { inc: true, skip: false },
    expected: { data: { post: { title: 'Gateways', a: { name: 'Grace' } } } },
    subgraphRequests: { posts: 1, users: 1 },
  },
  {
    name: 'nested conditions: an included entity whose inner conditions skip one fetch and keep another',
    query: /* GraphQL */ `
      query ($outer: Boolean!, $inner: Boolean!) {
        comment(id: "c3") {
          text
          post @include(if: $outer) {
            title
            author @skip(if: $inner) {
              name
            }
            comments @include(if: $inner) {
              id
            }
          }
        }
      }
    `,
    variables: { outer: true, inner: true },
    expected: {
      data: {
        comment: { text: 'What about @defer?', post: { title: 'Query plans', comments: [{ id: 'c3' }] } },
      },
    },
    subgraphRequests: { comments: 1, posts: 1 },
  },
  {
    name: 'the same field with and without a condition: the unconditional selection alone needs no fetch',
    query: /* GraphQL */ `
      {
        post(id: "p1") {
          author {
            id
          }
          author @include(if: false) {
            name
          }
        }
      }
    `,
    expected: { data: { post: { author: { id: 'u1' } } } },
    subgraphRequests: { posts: 1 },
  },
  {
    name: '@skip on key fields: the gateway still uses them to fetch, the client does not see them',
    query: /* GraphQL */ `
      query ($hideIds: Boolean = true) {
        posts {
          id @skip(if: $hideIds)
          author {
            id @skip(if: $hideIds)
            name
          }
        }
      }
    `,
    expected: {
      data: {
        posts: [
          { author: { name: 'Ada' } },
          { author: { name: 'Ada' } },
          { author: null },
          { author: { name: 'Grace' } },
        ],
      },
    },
    subgraphRequests: { posts: 1, users: 1 },
  },
  {
    name: 'conditions on the type conditions of interface items in a cycle',
    query: /* GraphQL */ `
      query ($users: Boolean!, $posts: Boolean!) {
        post(id: "p2") {
          related {
            __typename
            ... on User @include(if: $users) {
              name
            }
            ... on Post @include(if: $posts) {
              title
            }
          }
        }
      }
    `,
    variables: { users: false, posts: true },
    expected: {
      data: {
        post: {
          related: [
            { __typename: 'User' },
            { __typename: 'Post', title: 'Federation basics' },
            { __typename: 'Post', title: 'Anonymous tips' },
          ],
        },
      },
    },
    subgraphRequests: { posts: 1 },
  },
  {
    name: 'a condition in a mutation selection keeps the entity and drops the fetch under it',
    query: /* GraphQL */ `
      mutation Flag($withPost: Boolean!, $withAuthor: Boolean = false) {
        flagPost(id: "p4", reason: "off-topic") {
          reason
          post @include(if: $withPost) {
            title
            author @include(if: $withAuthor) {
              name
            }
          }
        }
      }
    `,
    variables: { withPost: true },
    expected: { data: { flagPost: { reason: 'off-topic', post: { title: 'Gateways' } } } },
    subgraphRequests: { posts: 1 },
  },
  {
    name: 'the same entity field twice under opposite conditions, each with its own fields from the owner',
    query: /* GraphQL */ `
      query ($full: Boolean!) {
        post(id: "p2") {
          author @include(if: $full) {
            name
            handle
          }
          author @skip(if: $full) {
            handle
          }
        }
      }
    `,
    variables: { full: false },
    expected: { data: { post: { author: { handle: '@ada' } } } },
    subgraphRequests: { posts: 1, users: 1 },
  },
  {
    name: 'variables used only in the third fetch of a chain, one absent with a default',
    query: /* GraphQL */ `
      query ($hideType: Boolean!, $withName: Boolean = false) {
        comment(id: "c4") {
          post {
            author {
              __typename @skip(if: $hideType)
              name @include(if: $withName)
              handle
            }
          }
        }
      }
    `,
    variables: { hideType: true },
    expected: { data: { comment: { post: { author: { handle: '@grace' } } } } },
    subgraphRequests: { comments: 1, posts: 1, users: 1 },
  },
  {
    name: 'every field of an entity fetch skipped: the entities are empty objects, the null one stays null',
    query: 'query ($terse: Boolean!) { posts { author { name @skip(if: $terse) } } }',
    variables: { terse: true },
    expected: { data: { posts: [{ author: {} }, { author: {} }, { author: null }, { author: {} }] } },
  },
  {
    name: '@include on an interface field that only another subgraph resolves, false: no fetch for it',
    query: 'query ($r: Boolean!) { node(id: "u1") { id related @include(if: $r) { id } } }',
    variables: { r: false },
    expected: { data: { node: { id: 'u1' } } },
    subgraphRequests: { users: 1 },
  },
  {
    name: 'an inline fragment without a type condition under @include, over items of two subgraphs',
    query:
      'query ($r: Boolean!) { nodes(ids: ["u1", "c1"]) { id ... @include(if: $r) { related { __typename } } } }',
    variables: { r: true },
    expected: {
      data: {
        nodes: [
          { id: 'u1', related: [{ __typename: 'Post' }, { __typename: 'Post' }] },
          { id: 'c1', related: [{ __typename: 'Post' }, { __typename: 'User' }] },
        ],
      },
    },
    subgraphRequests: { users: 1, posts: 1, comments: 1 },
  },
  {
    name: '__typename skipped by a literal on an entity whose other fields come from its owner',
    query: '{ node(id: "c1") { __typename @skip(if: true) ... on Comment { text } } }',
    expected: { data: { node: { text: 'Nice intro' } } },
    subgraphRequests: { users: 1, comments: 1 },
  },
  {
    name: '@skip on a root field removes the only request to its subgraph',
    query: 'query ($s: Boolean!) { user(id: "u1") @skip(if: $s) { name } post(id: "p1") { title } }',
    variables: { s: true },
    expected: { data: { post: { title: 'Federation basics' } } },
    subgraphRequests: { posts: 1 },
  },
];

import type { ConformanceCase } from '../types.js';

/**
 * Circular references through the `Node` interface: `related` links users, posts and comments
 * owned by three subgraphs, so each level of an operation can start another entity fetch.
 */
export const cycleCases: ConformanceCase[] = [
  {
    name: 'User → related Post → related User → related Post: back to the same entities, a fragment per level',
    query: /* GraphQL */ `
      {
        user(id: "u2") {
          name
          related {
            ... on Post {
              title
              related {
                __typename
                ... on User {
                  name
                  related {
                    ... on Post {
                      title
                    }
                  }
                }
                ... on Post {
                  title
                }
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        user: {
          name: 'Grace',
          related: [
            {
              title: 'Gateways',
              related: [
                { __typename: 'User', name: 'Grace', related: [{ title: 'Gateways' }] },
                { __typename: 'Post', title: 'Federation basics' },
              ],
            },
          ],
        },
      },
    },
    // users → posts (the whole cycle lives there) → users for the names at the third level.
    subgraphRequests: { users: 2, posts: 1 },
  },
  {
    name: 'related selected on the interface where the root subgraph’s Node has no such field',
    query: '{ node(id: "u1") { id related { id related { id } } } }',
    expected: {
      data: {
        node: {
          id: 'u1',
          related: [
            { id: 'p1', related: [{ id: 'u1' }, { id: 'p2' }] },
            { id: 'p2', related: [{ id: 'u1' }, { id: 'p1' }, { id: 'p3' }] },
          ],
        },
      },
    },
    subgraphRequests: { users: 1, posts: 1 },
  },
  {
    name: 'null links inside related lists, at two levels, with a fragment per concrete type',
    query: /* GraphQL */ `
      {
        post(id: "p2") {
          title
          related {
            ... on Post {
              id
              title
              related {
                __typename
                ... on User {
                  name
                }
              }
            }
            ... on User {
              handle
            }
          }
        }
      }
    `,
    expected: {
      data: {
        post: {
          title: 'Query plans',
          related: [
            { handle: '@ada' },
            {
              id: 'p1',
              title: 'Federation basics',
              related: [{ __typename: 'User', name: 'Ada' }, { __typename: 'Post' }],
            },
            // p3 was posted anonymously: its only link is null.
            { id: 'p3', title: 'Anonymous tips', related: [null] },
          ],
        },
      },
    },
  },
  {
    name: 'Comment → related Post → its comments and related, next to a deleted author',
    query: /* GraphQL */ `
      {
        comment(id: "c2") {
          text
          related {
            __typename
            id
            ... on Post {
              title
              comments {
                id
              }
              related {
                id
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        comment: {
          text: 'First!',
          related: [
            {
              __typename: 'Post',
              id: 'p1',
              title: 'Federation basics',
              comments: [{ id: 'c1' }, { id: 'c2' }, { id: 'c5' }],
              related: [{ id: 'u1' }, { id: 'p2' }],
            },
            null,
          ],
        },
      },
    },
    subgraphRequests: { comments: 1, posts: 1 },
  },
  {
    name: 'User → comments → post → author → comments: through three subgraphs back to the start',
    query: /* GraphQL */ `
      {
        user(id: "u1") {
          name
          comments {
            text
            post {
              title
              author {
                name
                comments {
                  id
                }
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        user: {
          name: 'Ada',
          comments: [
            {
              text: 'Agreed',
              post: { title: 'Gateways', author: { name: 'Grace', comments: [{ id: 'c1' }] } },
            },
            {
              text: 'Thanks!',
              post: {
                title: 'Federation basics',
                author: { name: 'Ada', comments: [{ id: 'c4' }, { id: 'c5' }] },
              },
            },
          ],
        },
      },
    },
    subgraphRequests: { users: 2, comments: 2, posts: 1 },
  },
  {
    name: 'a list of nodes of every type with an unknown id, each completed by its own subgraph',
    query: /* GraphQL */ `
      query Nodes($ids: [ID!]!) {
        nodes(ids: $ids) {
          __typename
          id
          ... on User {
            name
          }
          ... on Post {
            title
            author {
              handle
            }
          }
          ... on Comment {
            text
            author {
              name
            }
          }
        }
      }
    `,
    variables: { ids: ['c3', 'x404', 'p3', 'u3', 'p1'] },
    expected: {
      data: {
        nodes: [
          { __typename: 'Comment', id: 'c3', text: 'What about @defer?', author: { name: 'Linus' } },
          null,
          { __typename: 'Post', id: 'p3', title: 'Anonymous tips', author: null },
          { __typename: 'User', id: 'u3', name: 'Linus' },
          { __typename: 'Post', id: 'p1', title: 'Federation basics', author: { handle: '@ada' } },
        ],
      },
    },
    // The two authors are resolved together, whichever subgraph pointed at them.
    subgraphRequests: { users: 2, posts: 1, comments: 1 },
  },
  {
    name: 'named fragments on the concrete type of each level of the cycle',
    query: /* GraphQL */ `
      query Cycle {
        node(id: "p4") {
          ...PostLevel
        }
      }
      fragment PostLevel on Post {
        title
        related {
          ...UserLevel
          ...PostLeaf
        }
      }
      fragment UserLevel on User {
        name
        related {
          ...PostLeaf
        }
      }
      fragment PostLeaf on Post {
        id
        title
      }
    `,
    expected: {
      data: {
        node: {
          title: 'Gateways',
          related: [
            { name: 'Grace', related: [{ id: 'p4', title: 'Gateways' }] },
            { id: 'p1', title: 'Federation basics' },
          ],
        },
      },
    },
  },
  {
    name: 'aliases reach the same user by two paths of the cycle, one aliasing handle as name',
    query: /* GraphQL */ `
      {
        post(id: "p1") {
          viaAuthor: author {
            name
            posts {
              id
            }
          }
          viaRelated: related {
            ... on User {
              name: handle
            }
            ... on Post {
              author {
                name
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        post: {
          viaAuthor: { name: 'Ada', posts: [{ id: 'p1' }, { id: 'p2' }] },
          viaRelated: [{ name: '@ada' }, { author: { name: 'Ada' } }],
        },
      },
    },
  },
  {
    name: 'related on the interface four levels deep from the comments subgraph, ending in null and empty lists',
    query: /* GraphQL */ `
      {
        comment(id: "c3") {
          related {
            __typename
            id
            related {
              __typename
              id
              related {
                __typename
                id
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        comment: {
          related: [
            {
              __typename: 'Post',
              id: 'p2',
              related: [
                {
                  __typename: 'User',
                  id: 'u1',
                  related: [
                    { __typename: 'Post', id: 'p1' },
                    { __typename: 'Post', id: 'p2' },
                  ],
                },
                {
                  __typename: 'Post',
                  id: 'p1',
                  related: [
                    { __typename: 'User', id: 'u1' },
                    { __typename: 'Post', id: 'p2' },
                  ],
                },
                { __typename: 'Post', id: 'p3', related: [null] },
              ],
            },
            // Linus has written no post.
            { __typename: 'User', id: 'u3', related: [] },
          ],
        },
      },
    },
    // Both levels below the comment live in posts: one entity fetch answers them.
    subgraphRequests: { comments: 1, posts: 1 },
  },
  {
    name: 'a mutation result enters the cycle: flagged post → related users → their comments',
    query: /* GraphQL */ `
      mutation Flag {
        flagPost(id: "p2", reason: "spam") {
          reason
          post {
            title
            related {
              ... on User {
                name
                comments {
                  text
                }
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        flagPost: {
          reason: 'spam',
          post: {
            title: 'Query plans',
            related: [{ name: 'Ada', comments: [{ text: 'Agreed' }, { text: 'Thanks!' }] }, {}, {}],
          },
        },
      },
    },
    subgraphRequests: { posts: 1, users: 1, comments: 1 },
  },
  {
    name: 'the client aliases another field as the key: the key the gateway fetches does not clobber it',
    query: '{ post(id: "p1") { author { id: handle name realId: id } } }',
    expected: { data: { post: { author: { id: '@ada', name: 'Ada', realId: 'u1' } } } },
    subgraphRequests: { posts: 1, users: 1 },
  },
];

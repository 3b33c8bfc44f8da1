import type { ConformanceCase } from '../types.js';

/** Media reached through inventory, which knows it only by a non-resolvable @interfaceObject key. */
export const referenceCases: ConformanceCase[] = [
  {
    name: 'non-resolvable @interfaceObject references from a root field: __typename from the owner',
    query: '{ restockQueue { __typename id title } }',
    expected: {
      data: {
        restockQueue: [
          { __typename: 'Movie', id: 'm1', title: 'Alien' },
          { __typename: 'Book', id: 'b2', title: 'Hyperion' },
        ],
      },
    },
    subgraphRequests: { inventory: 1, catalog: 1 },
  },
  {
    // No type condition and no __typename: the reference can go straight to reviews as a Media.
    name: 'non-resolvable references: fields of the @interfaceObject alone skip the interface owner',
    query: '{ restockQueue { id rating reviews { stars } } }',
    expected: {
      data: {
        restockQueue: [
          { id: 'm1', rating: 5, reviews: [{ stars: 5 }] },
          { id: 'b2', rating: null, reviews: [] },
        ],
      },
    },
    subgraphRequests: { inventory: 1, reviews: 1 },
  },
  {
    // reviews is asked after catalog has set the concrete __typename: it must still get `Media`.
    name: 'non-resolvable references under type conditions, with fields of both other subgraphs',
    query: /* GraphQL */ `
      {
        restockQueue {
          ... on Movie {
            title
            runtimeMinutes
            rating
          }
          ... on Book {
            pages
            reviews {
              body
            }
          }
        }
      }
    `,
    expected: {
      data: {
        restockQueue: [
          { title: 'Alien', runtimeMinutes: 117, rating: 5 },
          { pages: 482, reviews: [] },
        ],
      },
    },
    subgraphRequests: { inventory: 1, catalog: 1, reviews: 1 },
  },
  {
    name: 'references on a field of another entity: one batch per subgraph',
    query: '{ warehouse(code: "w2") { city stock { quantity media { __typename title rating } } } }',
    expected: {
      data: {
        warehouse: {
          city: 'Oslo',
          stock: [
            { quantity: 1, media: { __typename: 'Movie', title: 'Heat', rating: 3 } },
            { quantity: 5, media: { __typename: 'Book', title: 'Hyperion', rating: null } },
          ],
        },
      },
    },
    subgraphRequests: { inventory: 1, catalog: 1, reviews: 1 },
  },
  {
    // catalog answers null for x9, so the non-null title is missing and the null reaches `media`.
    name: 'a reference the interface owner does not have: null, reported as a value-completion problem',
    query: '{ warehouse(code: "w1") { stock { quantity media { id title } } } }',
    expected: {
      data: {
        warehouse: {
          stock: [
            { quantity: 3, media: { id: 'b1', title: 'Dune' } },
            { quantity: 2, media: null },
            { quantity: 0, media: { id: 'm1', title: 'Alien' } },
          ],
        },
      },
      extensions: {
        valueCompletion: [
          {
            message: 'Cannot return null for non-nullable field Media.title.',
            path: ['warehouse', 'stock', 1, 'media', 'title'],
            extensions: { code: 'INVALID_GRAPHQL' },
          },
        ],
      },
    },
    subgraphRequests: { inventory: 1, catalog: 1 },
  },
  {
    // catalog answers null for x9, which so keeps the interface name as __typename: with __typename
    // selected it is null (silently: media is nullable), and x9 still goes to reviews as a Media.
    name: 'a reference the owner does not have, with __typename, a type condition and the @interfaceObject',
    query: /* GraphQL */ `
      {
        warehouse(code: "w1") {
          stock {
            quantity
            media {
              __typename
              ... on Book {
                title
                rating
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        warehouse: {
          stock: [
            { quantity: 3, media: { __typename: 'Book', title: 'Dune', rating: 4.5 } },
            { quantity: 2, media: null },
            { quantity: 0, media: { __typename: 'Movie' } },
          ],
        },
      },
    },
    subgraphRequests: { inventory: 1, catalog: 1, reviews: 1 },
  },
  {
    // x9 at index 1 cannot be null in [Media!]!: the null reaches the non-null root field.
    name: 'a reference the owner does not have in a non-null list: data is null, and says why',
    query: '{ restockQueue(includeDiscontinued: true) { __typename id } }',
    expected: {
      data: null,
      extensions: {
        valueCompletion: [
          {
            message: 'Cannot return null for non-nullable array element of type Media at index 1.',
            path: ['restockQueue', 1],
            extensions: { code: 'INVALID_GRAPHQL' },
          },
        ],
      },
    },
    subgraphRequests: { inventory: 1, catalog: 1 },
    knownBugs: {
      apollo:
        'Answers {"data":null} with no error and no extensions: x9, which catalog answers null for, keeps the ' +
        '@interfaceObject __typename "Media"; result shaping nulls an object whose __typename is not an object ' +
        'type without recording an error, and the non-null list element above then skips its own "Cannot ' +
        'return null" error because it believes one was recorded (@apollo/gateway resultShaping.js).',
    },
  },
  {
    // Only __typename needs catalog; with it excluded the plan's catalog fetch is skipped.
    name: 'a variable excluding __typename leaves the interface owner out',
    query: /* GraphQL */ `
      query Queue($withType: Boolean!) {
        restockQueue {
          id
          __typename @include(if: $withType)
        }
      }
    `,
    variables: { withType: false },
    expected: { data: { restockQueue: [{ id: 'm1' }, { id: 'b2' }] } },
    subgraphRequests: { inventory: 1 },
  },
  {
    name: 'a named fragment on the interface, aliases and a variable with a default',
    query: /* GraphQL */ `
      query Shelf($code: ID!, $first: Int = 1) {
        shelf: warehouse(code: $code) {
          city
          lines: stock {
            count: quantity
            item: media {
              ...Card
            }
          }
        }
        best: topRated(first: $first) {
          ...Card
        }
      }
      fragment Card on Media {
        kind: __typename
        name: title
        stars: rating
        ... on Book {
          pages
        }
      }
    `,
    variables: { code: 'w2' },
    expected: {
      data: {
        shelf: {
          city: 'Oslo',
          lines: [
            { count: 1, item: { kind: 'Movie', name: 'Heat', stars: 3 } },
            { count: 5, item: { kind: 'Book', name: 'Hyperion', stars: null, pages: 482 } },
          ],
        },
        best: [{ kind: 'Movie', name: 'Alien', stars: 5 }],
      },
    },
  },
  {
    // The plan fetches from catalog twice; Gatehouse may send both in one request, so no count here.
    name: 'references → @interfaceObject → its own Media references → back to the interface owner',
    query: '{ restockQueue { title reviews { body media { __typename id } } } }',
    expected: {
      data: {
        restockQueue: [
          {
            title: 'Alien',
            reviews: [{ body: 'Still terrifying', media: { __typename: 'Movie', id: 'm1' } }],
          },
          { title: 'Hyperion', reviews: [] },
        ],
      },
    },
  },
];

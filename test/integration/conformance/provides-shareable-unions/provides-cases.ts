import type { ConformanceCase } from '../types.js';

/**
 * @provides whose selection goes through an interface or a union: the provided fields must be
 * read from shelves' own response (no catalog request for them), the others fetched from catalog.
 */
export const providesCases: ConformanceCase[] = [
  {
    name: '@provides on an interface list: every implementation’s provided title comes from shelves',
    query: '{ featured { __typename id title } }',
    expected: {
      data: {
        featured: [
          { __typename: 'Book', id: 'b2', title: 'Neuromancer' },
          { __typename: 'Magazine', id: 'm1', title: 'Wired' },
          { __typename: 'Book', id: 'b1', title: 'Dune' },
        ],
      },
    },
    subgraphRequests: { shelves: 1 },
  },
  {
    name: '@provides on an interface list: fields it does not provide come from their owner in one batch',
    query: '{ featured { title ... on Book { pages } ... on Magazine { issue } } }',
    expected: {
      data: {
        featured: [
          { title: 'Neuromancer', pages: 271 },
          { title: 'Wired', issue: 42 },
          { title: 'Dune', pages: 412 },
        ],
      },
    },
    subgraphRequests: { shelves: 1, catalog: 1 },
  },
  {
    name: '@provides on a union for one member: the other member’s same-named field is fetched',
    query: '{ picks { __typename ... on Book { title } ... on Magazine { title } } }',
    expected: {
      data: {
        picks: [
          { __typename: 'Magazine', title: 'Nature' },
          { __typename: 'Book', title: 'Solaris' },
          null,
          { __typename: 'Book', title: 'Dune' },
        ],
      },
    },
    subgraphRequests: { shelves: 1, catalog: 1 },
  },
  {
    name: '@provides on a union, selected through an interface its members implement',
    // ... on Item splits per member: Book.title is provided, Magazine.title is not.
    query: '{ picks { ... on Item { id title } } }',
    expected: {
      data: {
        picks: [
          { id: 'm2', title: 'Nature' },
          { id: 'b3', title: 'Solaris' },
          null,
          { id: 'b1', title: 'Dune' },
        ],
      },
    },
    subgraphRequests: { shelves: 1, catalog: 1 },
  },
  {
    name: '@provides on a union: a named fragment on the provided member, aliased, needs no fetch',
    query: /* GraphQL */ `
      query Picks {
        picks {
          ...BookPick
        }
      }
      fragment BookPick on Book {
        id
        name: title
      }
    `,
    // The Magazine matches no fragment: an empty object, not null.
    expected: { data: { picks: [{}, { id: 'b3', name: 'Solaris' }, null, { id: 'b1', name: 'Dune' }] } },
    subgraphRequests: { shelves: 1 },
  },
  {
    name: '@provides with type conditions on an entity’s interface list and union field',
    query: /* GraphQL */ `
      query Shelf($id: ID!) {
        shelf(id: $id) {
          label
          items {
            __typename
            title
            ... on Magazine {
              issue
            }
          }
          highlight {
            ... on Magazine {
              title
              issue
            }
            ... on Book {
              title
            }
          }
        }
      }
    `,
    variables: { id: 's1' },
    // The highlight is a Magazine (provided): the catalog fetch planned for a Book highlight has
    // no representation to send, so it must not be sent at all.
    expected: {
      data: {
        shelf: {
          label: 'New arrivals',
          items: [
            { __typename: 'Book', title: 'Dune' },
            { __typename: 'Magazine', title: 'Nature', issue: 7001 },
            { __typename: 'Book', title: 'Neuromancer' },
          ],
          highlight: { title: 'Wired', issue: 42 },
        },
      },
    },
    subgraphRequests: { shelves: 1 },
  },
  {
    name: '@provides paths with a null union value and an unknown shelf, default variable',
    query: /* GraphQL */ `
      query Shelves($id: ID! = "s2") {
        shelf(id: $id) {
          label
          highlight {
            __typename
            ... on Magazine {
              title
            }
          }
          items {
            ... on Book {
              title
            }
          }
        }
        missing: shelf(id: "s9") {
          label
          items {
            title
          }
        }
      }
    `,
    expected: {
      data: {
        shelf: { label: 'Classics', highlight: null, items: [{ title: 'Solaris' }] },
        missing: null,
      },
    },
    subgraphRequests: { shelves: 1 },
  },
  {
    name: '@provides also applies in an entity fetch: book → shelf → provided item titles',
    query: '{ book(id: "b1") { title shelf { label items { title } } } }',
    expected: {
      data: {
        book: {
          title: 'Dune',
          shelf: {
            label: 'New arrivals',
            items: [{ title: 'Dune' }, { title: 'Nature' }, { title: 'Neuromancer' }],
          },
        },
      },
    },
    subgraphRequests: { inventory: 1, shelves: 1 },
  },
  {
    name: '@provides below an entity fetch, with a field it does not provide fetched last',
    query: '{ book(id: "b2") { shelf { items { ... on Book { title pages } } } } }',
    expected: {
      data: {
        book: {
          shelf: { items: [{ title: 'Dune', pages: 412 }, {}, { title: 'Neuromancer', pages: 271 }] },
        },
      },
    },
    subgraphRequests: { inventory: 1, shelves: 1, catalog: 1 },
  },
];

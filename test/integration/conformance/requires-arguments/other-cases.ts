import type { ConformanceCase } from '../types.js';

/** priceTag requires price(currency: "EUR"); null entities; a mutation. */
export const otherCases: ConformanceCase[] = [
  {
    name: "a scalar with arguments in an inline fragment over a list: the client's price stays USD",
    query: /* GraphQL */ `
      {
        articles {
          id
          ... on Article {
            price
            priceTag
          }
        }
      }
    `,
    expected: {
      data: {
        articles: [
          { id: 'a1', price: 1000, priceTag: 'EUR 9.00' },
          { id: 'a2', price: 2000, priceTag: 'EUR 18.00' },
          { id: 'a3', price: 500, priceTag: 'EUR 4.50' },
          { id: 'a4', price: 0, priceTag: 'EUR 0.00' },
        ],
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
    knownBugs: {
      apollo:
        'The query planner merges the required price(currency: "EUR") into the client\'s unaliased ' +
        '`price` (USD by default), so insights receives USD prices and priceTag fails for every ' +
        'article whose prices differ (all but a4, priced 0): data null, three errors. ' +
        'apollographql/federation#2276 and #2996.',
    },
  },
  {
    name: "a scalar with the required arguments through a variable's default value",
    query: /* GraphQL */ `
      query Tag($currency: String! = "EUR") {
        article(id: "a2") {
          priceTag
          price(currency: $currency)
        }
      }
    `,
    expected: { data: { article: { priceTag: 'EUR 18.00', price: 1800 } } },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    // No representation for the null article; a4's null list and a3's empty one reach insights.
    name: 'null entities: a root field returning null, a null and an empty required list',
    query: /* GraphQL */ `
      {
        missing: article(id: "nope") {
          title
          digest
        }
        off: article(id: "a4") {
          title
          digest
        }
        empty: article(id: "a3") {
          title
          digest
        }
      }
    `,
    expected: {
      data: {
        missing: null,
        off: { title: 'Announcements', digest: null },
        empty: { title: 'Empty thoughts', digest: 'no comments' },
      },
    },
  },
  {
    // Pinning is idempotent and a5 is used by this case alone, so both engines see the same state.
    name: 'a mutation returning the entity, then a requiring field next to other arguments',
    query: /* GraphQL */ `
      mutation Pin {
        pinComment(articleId: "a5", commentId: "c53") {
          id
          summary
          comments(limit: 2) {
            body
          }
        }
      }
    `,
    expected: {
      data: {
        pinComment: {
          id: 'a5',
          summary: 'Pinned answer',
          comments: [{ body: 'Pinned answer' }, { body: 'First' }],
        },
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
    knownBugs: {
      apollo:
        "The query planner merges summary's required comments(limit: 1) { body } into the client's " +
        "`comments`, and the client's limit 2 is dropped: blog is asked for comments(limit: 1) only. " +
        'apollographql/federation#2276 and #2996.',
    },
  },
];

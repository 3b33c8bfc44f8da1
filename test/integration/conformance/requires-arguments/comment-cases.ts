import type { ConformanceCase } from '../types.js';

const a1Digest = '3 of 3: c11,c12,c13';

/** How the query planner goes wrong when it merges a required field into the client's own. */
const merged = (what: string) => ({
  apollo:
    `The query planner merges the required comments(limit: 3) { id } into the client's unaliased ` +
    `\`comments\`: ${what} apollographql/federation#2276 and #2996.`,
});

/** `digest` requires comments(limit: 3) { id }; the client selects `comments` itself as well. */
export const commentCases: ConformanceCase[] = [
  {
    name: 'a required list field with arguments the client does not select',
    query: '{ article(id: "a1") { title digest } }',
    expected: { data: { article: { title: 'Federation in practice', digest: a1Digest } } },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    name: 'the client selects the required field with other arguments',
    query: '{ article(id: "a1") { comments(limit: 2) { id } digest } }',
    expected: {
      data: { article: { comments: [{ id: 'c11' }, { id: 'c12' }], digest: a1Digest } },
    },
    knownBugs: merged(
      'blog is asked for comments(limit: 2) only, insights receives 2 comments instead of 3 and ' +
        'digest fails (null and an error).',
    ),
  },
  {
    name: 'the same arguments through a variable, with other subfields',
    query: /* GraphQL */ `
      query Digest($limit: Int!) {
        article(id: "a1") {
          digest
          comments(limit: $limit) {
            body
          }
        }
      }
    `,
    variables: { limit: 3 },
    expected: {
      data: {
        article: {
          digest: a1Digest,
          comments: [
            { body: 'Great read' },
            { body: 'Typo in section 2' },
            { body: 'What about subscriptions?' },
          ],
        },
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    name: 'other arguments through a variable: the client gets its own two comments',
    query: /* GraphQL */ `
      query Top($limit: Int!) {
        article(id: "a1") {
          digest
          comments(limit: $limit) {
            id
          }
        }
      }
    `,
    variables: { limit: 2 },
    expected: {
      data: { article: { digest: a1Digest, comments: [{ id: 'c11' }, { id: 'c12' }] } },
    },
    knownBugs: merged(
      'the plan asks blog for comments(limit: 3) and drops $limit, so the client gets 3 comments ' +
        'where it asked for 2.',
    ),
  },
  {
    name: 'the client leaves the argument to its default (10) while the requirement says 3',
    query: '{ article(id: "a1") { digest comments { body } } }',
    expected: {
      data: {
        article: {
          digest: a1Digest,
          comments: [
            { body: 'Great read' },
            { body: 'Typo in section 2' },
            { body: 'What about subscriptions?' },
            { body: 'Shared it with my team' },
            { body: 'More diagrams please' },
          ],
        },
      },
    },
    knownBugs: merged(
      "the plan asks blog for comments(limit: 3) { id body } in place of the client's comments " +
        '(limit 10 by default), so the client gets 3 of the 5 comments.',
    ),
  },
  {
    // Merging is right here: the client's default and the required literal are the same argument.
    name: "the client's default arguments equal the required ones",
    query: '{ article(id: "a1") { comments { id } recentCount } }',
    expected: {
      data: {
        article: {
          comments: [{ id: 'c11' }, { id: 'c12' }, { id: 'c13' }, { id: 'c14' }, { id: 'c15' }],
          recentCount: 5,
        },
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    name: 'two requirements of one field with different arguments, queried together',
    query: '{ article(id: "a1") { summary digest } }',
    expected: { data: { article: { summary: 'Great read', digest: a1Digest } } },
    // One insights fetch per set of arguments, sent together in one request.
    subgraphRequests: { blog: 1, insights: 1 },
    knownBugs: {
      apollo:
        "The query planner merges summary's comments(limit: 1) { body } and digest's " +
        'comments(limit: 3) { id } into one comments(limit: 3) { id body }, so insights receives 3 ' +
        'comments for summary and summary fails (null and an error). apollographql/federation#2276.',
    },
  },
  {
    // Apart, each requirement reaches insights with its own arguments: one batch for the list,
    // with an empty list (a3) and a null list (a4) among the representations.
    name: 'one of the two requirements alone, through a named fragment over a list',
    query: /* GraphQL */ `
      {
        articles {
          id
          ...Teaser
        }
      }
      fragment Teaser on Article {
        summary
      }
    `,
    expected: {
      data: {
        articles: [
          { id: 'a1', summary: 'Great read' },
          { id: 'a2', summary: 'Finally explained' },
          { id: 'a3', summary: null },
          { id: 'a4', summary: null },
        ],
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    name: 'the client aliases the field with other arguments next to the requirement',
    query: '{ article(id: "a1") { top: comments(limit: 2) { id } digest } }',
    expected: {
      data: { article: { top: [{ id: 'c11' }, { id: 'c12' }], digest: a1Digest } },
    },
    subgraphRequests: { blog: 1, insights: 1 },
  },
];

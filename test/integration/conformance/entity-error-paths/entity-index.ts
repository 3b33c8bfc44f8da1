import type { ConformanceCase } from '../types.js';

/**
 * hr errors carry an entity index (["_entities", i, ...rest]): the client path is where the i-th
 * entity of the batch sits in the response (response keys and list indexes), followed by rest.
 */
const hrError = (message: string, code: string, path: (string | number)[]) => ({
  message,
  path,
  extensions: { code, serviceName: 'hr' },
});
const confidential = (path: (string | number)[]) => hrError('Title is confidential', 'FORBIDDEN', path);

export const entityIndexCases: ConformanceCase[] = [
  {
    name: 'entity indexes inside nested lists, across a gap and a duplicate entity',
    query: '{ teams { name members { name title } } }',
    // Bob is in both teams: one error for each place he takes in the response.
    expected: {
      data: {
        teams: [
          {
            name: 'Core',
            members: [
              { name: 'Ada', title: 'Engineer' },
              { name: 'Bob', title: null },
              { name: 'Cy', title: 'Designer' },
            ],
          },
          {
            name: 'Ops',
            members: [
              { name: 'Dee', title: null },
              null,
              { name: 'Eve', title: 'Manager' },
              { name: 'Bob', title: null },
            ],
          },
        ],
      },
      errors: [
        confidential(['teams', 0, 'members', 1, 'title']),
        confidential(['teams', 1, 'members', 0, 'title']),
        confidential(['teams', 1, 'members', 3, 'title']),
      ],
    },
    subgraphRequests: { directory: 1, hr: 1 },
  },
  {
    name: 'an entity index followed by a path into a list field of the entity',
    query: '{ team { members { name reviews { year score } } } }',
    expected: {
      data: {
        team: {
          members: [
            { name: 'Ada', reviews: [{ year: 2024, score: 4 }] },
            { name: 'Bob', reviews: [] },
            {
              name: 'Cy',
              reviews: [
                { year: 2023, score: null },
                { year: 2024, score: 5 },
              ],
            },
          ],
        },
      },
      errors: [hrError('Review is sealed', 'REVIEW_SEALED', ['team', 'members', 2, 'reviews', 0, 'score'])],
    },
    subgraphRequests: { directory: 1, hr: 1 },
  },
  {
    name: 'several entity errors in one batch, on aliased fields in an inline fragment',
    query: '{ staff: people { name ... on Person { role: title badge } } }',
    // Eve's badge (String!) fails, so her item of [Person] is null; the others keep their data.
    expected: {
      data: {
        staff: [
          { name: 'Ada', role: 'Engineer', badge: 'B-1' },
          { name: 'Bob', role: null, badge: 'B-2' },
          { name: 'Cy', role: 'Designer', badge: 'B-3' },
          { name: 'Dee', role: null, badge: 'B-4' },
          null,
        ],
      },
      errors: [
        confidential(['staff', 1, 'role']),
        confidential(['staff', 3, 'role']),
        hrError('Badge was revoked', 'BADGE_REVOKED', ['staff', 4, 'badge']),
      ],
    },
    subgraphRequests: { directory: 1, hr: 1 },
  },
  {
    name: 'one entity of a batch failing to resolve while the others resolve',
    query: /* GraphQL */ `
      query Guild($withTitle: Boolean = true) {
        guild {
          name
          members {
            name
            title @include(if: $withTitle)
          }
        }
      }
    `,
    // Fay is the second entity of the batch (the null member is not sent) but the third member.
    expected: {
      data: {
        guild: {
          name: 'Guild',
          members: [
            { name: 'Ada', title: 'Engineer' },
            null,
            { name: 'Fay', title: null },
            { name: 'Cy', title: 'Designer' },
          ],
        },
      },
      errors: [hrError('No HR record for this person', 'NOT_FOUND', ['guild', 'members', 2])],
    },
    subgraphRequests: { directory: 1, hr: 1 },
  },
  {
    name: 'a non-null entity field failing inside nested lists: the entity becomes null, aliases kept',
    query: '{ teams { name staff: members { name pass: badge } } }',
    expected: {
      data: {
        teams: [
          {
            name: 'Core',
            staff: [
              { name: 'Ada', pass: 'B-1' },
              { name: 'Bob', pass: 'B-2' },
              { name: 'Cy', pass: 'B-3' },
            ],
          },
          { name: 'Ops', staff: [{ name: 'Dee', pass: 'B-4' }, null, null, { name: 'Bob', pass: 'B-2' }] },
        ],
      },
      errors: [hrError('Badge was revoked', 'BADGE_REVOKED', ['teams', 1, 'staff', 2, 'pass'])],
    },
  },
  {
    name: 'entity indexes in a list mixing entities with other types: only the entities count',
    query: '{ feed { __typename ... on Robot { serial } ... on Person { name title } } }',
    // The batch holds Bob and Dee only (entities 0 and 1); they are items 1 and 3 of the feed.
    expected: {
      data: {
        feed: [
          { __typename: 'Robot', serial: 'R-1' },
          { __typename: 'Person', name: 'Bob', title: null },
          { __typename: 'Robot', serial: 'R-2' },
          { __typename: 'Person', name: 'Dee', title: null },
        ],
      },
      errors: [confidential(['feed', 1, 'title']), confidential(['feed', 3, 'title'])],
    },
    subgraphRequests: { directory: 1, hr: 1 },
    knownBugs: {
      apollo:
        'Apollo Gateway answers paths ["feed", 0, "title"] and ["feed", 1, "title"]: the first is a Robot. ' +
        'The fetch path "feed.@" has no type condition and generateHydratedPaths (@apollo/gateway ' +
        'executeQueryPlan.js) lists every non-null item of the feed, Robots included; representation i ' +
        'takes the i-th of those paths, though Robots were given no representation.',
    },
  },
];

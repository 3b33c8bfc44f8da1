import type { ConformanceCase } from '../types.js';

/**
 * legacy fails every batch as a whole ({ data: null, errors: [{ path: ["_entities"] }] }). The
 * error concerns every entity of the batch, so its client path is the field that holds the batch:
 * the fetch path cut at its first list marker, in the client's response keys.
 */
const offline = (path: (string | number)[]) => ({
  message: 'Legacy store is offline',
  path,
  extensions: { code: 'LEGACY_OFFLINE', serviceName: 'legacy' },
});

const LEAK = 'the query plan\'s "@" list marker and the internal _entities field leak into the client path';
const WHOLE_BATCH =
  'makeLazyErrorPathGenerator in @apollo/gateway executeQueryPlan.js prefixes the fetch path to an ' +
  'error path without an entity index. Cf. apollographql/router#4548.';

export const wholeBatchCases: ConformanceCase[] = [
  {
    name: 'a batch over a root list failing as a whole: the error is at the list',
    query: '{ people { name legacyId } }',
    expected: {
      data: {
        people: [
          { name: 'Ada', legacyId: null },
          { name: 'Bob', legacyId: null },
          { name: 'Cy', legacyId: null },
          { name: 'Dee', legacyId: null },
          { name: 'Eve', legacyId: null },
        ],
      },
      errors: [offline(['people'])],
    },
    subgraphRequests: { directory: 1, legacy: 1 },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["people", "@", "_entities"]: ${LEAK}. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'a batch over nested lists failing as a whole: the error is at the outer list',
    query: '{ teams { name members { name legacyId } } }',
    // One batch holds the members of every team; the first list that holds them all is `teams`.
    expected: {
      data: {
        teams: [
          {
            name: 'Core',
            members: [
              { name: 'Ada', legacyId: null },
              { name: 'Bob', legacyId: null },
              { name: 'Cy', legacyId: null },
            ],
          },
          {
            name: 'Ops',
            members: [
              { name: 'Dee', legacyId: null },
              null,
              { name: 'Eve', legacyId: null },
              { name: 'Bob', legacyId: null },
            ],
          },
        ],
      },
      errors: [offline(['teams'])],
    },
    subgraphRequests: { directory: 1, legacy: 1 },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["teams", "@", "members", "@", "_entities"]: ${LEAK}. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'a single entity (chosen by a variable) failing as a whole: the error is at that entity',
    query: 'query Who($id: ID!) { person(id: $id) { id name legacyId } }',
    variables: { id: '2' },
    expected: {
      data: { person: { id: '2', name: 'Bob', legacyId: null } },
      errors: [offline(['person'])],
    },
    subgraphRequests: { directory: 1, legacy: 1 },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["person", "_entities"]: the internal _entities field leaks into the client path. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'a failed batch under aliases: the error path uses the response keys',
    query: '{ crew: team { name roster: members { name oldId: legacyId } } }',
    expected: {
      data: {
        crew: {
          name: 'Core',
          roster: [
            { name: 'Ada', oldId: null },
            { name: 'Bob', oldId: null },
            { name: 'Cy', oldId: null },
          ],
        },
      },
      errors: [offline(['crew', 'roster'])],
    },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["crew", "roster", "@", "_entities"]: ${LEAK}. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'a failed batch selected through named and inline fragments, over a list with a gap',
    query: /* GraphQL */ `
      query Guild {
        guild {
          ...TeamFields
        }
      }
      fragment TeamFields on Team {
        name
        members {
          ... on Person {
            name
            ...LegacyFields
          }
        }
      }
      fragment LegacyFields on Person {
        legacyId
      }
    `,
    // Fragments add no path segments; the null member stays null and is not part of the batch.
    expected: {
      data: {
        guild: {
          name: 'Guild',
          members: [
            { name: 'Ada', legacyId: null },
            null,
            { name: 'Fay', legacyId: null },
            { name: 'Cy', legacyId: null },
          ],
        },
      },
      errors: [offline(['guild', 'members'])],
    },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["guild", "members", "@", "_entities"]: ${LEAK}. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'a failed batch of a non-null field: the entity becomes null, the error stays at it',
    query: '{ me { name legacyCode } team { name } }',
    // legacyCode is String!, so `me` (nullable) takes the null; the sibling root field is unaffected.
    expected: {
      data: { me: null, team: { name: 'Core' } },
      errors: [offline(['me'])],
    },
    subgraphRequests: { directory: 1, legacy: 1 },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["me", "_entities"]: the internal _entities field leaks into the client path. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'two failed batches in one operation: each error at its own batch',
    query: '{ me { legacyId } teams { members { legacyId } } }',
    // No request count: Gatehouse sends both batches in one request, then (no data came back) one
    // request per batch, so that one batch's failure cannot take the other's data with it.
    expected: {
      data: {
        me: { legacyId: null },
        teams: [
          { members: [{ legacyId: null }, { legacyId: null }, { legacyId: null }] },
          { members: [{ legacyId: null }, null, { legacyId: null }, { legacyId: null }] },
        ],
      },
      errors: [offline(['me']), offline(['teams'])],
    },
    knownBugs: {
      apollo:
        'Apollo Gateway answers paths ["me", "_entities"] and ["teams", "@", "members", "@", "_entities"]: ' +
        `${LEAK}. ${WHOLE_BATCH}`,
    },
  },
  {
    name: 'a second-hop batch (entities reached through entities) failing as a whole',
    query: '{ team { members { name mentor { name legacyId } } } }',
    // hr turns members into mentors; the mentors' batch (fetch path team.members.@.mentor) fails,
    // and the first list holding them is team.members. Cy has no mentor, so is not in the batch.
    expected: {
      data: {
        team: {
          members: [
            { name: 'Ada', mentor: { name: 'Cy', legacyId: null } },
            { name: 'Bob', mentor: { name: 'Cy', legacyId: null } },
            { name: 'Cy', mentor: null },
          ],
        },
      },
      errors: [offline(['team', 'members'])],
    },
    subgraphRequests: { directory: 2, hr: 1, legacy: 1 },
    knownBugs: {
      apollo: `Apollo Gateway answers path ["team", "members", "@", "mentor", "_entities"]: ${LEAK}. ${WHOLE_BATCH}`,
    },
  },
];

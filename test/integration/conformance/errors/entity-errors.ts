import type { ConformanceCase } from '../types.js';

const bioError = (path: (string | number)[]) => ({
  message: 'Bio store timed out',
  path,
  extensions: { code: 'BIO_TIMEOUT', serviceName: 'profiles' },
});

export const entityErrorCases: ConformanceCase[] = [
  {
    name: 'a nullable entity field erroring for one entity: path rewritten to the client path',
    query: '{ people { id nickname } }',
    expected: {
      data: {
        people: [
          { id: '1', nickname: 'ace' },
          { id: '2', nickname: null },
          { id: '3', nickname: null },
        ],
      },
      errors: [
        {
          message: 'Nickname is private',
          path: ['people', 1, 'nickname'],
          extensions: { code: 'FORBIDDEN', serviceName: 'profiles' },
        },
      ],
    },
    subgraphRequests: { people: 1, profiles: 1 },
  },
  {
    name: 'a non-null entity field erroring: the null reaches the nullable list [Person!]',
    query: '{ people { id bio } }',
    // A subgraph error was reported, so Apollo Gateway adds no valueCompletion extension.
    expected: { data: { people: null }, errors: [bioError(['people', 1, 'bio'])] },
  },
  {
    name: 'a non-null entity field erroring: the null stops at the nullable item of [Person]!',
    query: '{ team { name members { id bio } } }',
    expected: {
      data: {
        team: {
          name: 'Core',
          members: [{ id: '1', bio: 'Mathematician' }, null, { id: '3', bio: 'Poet' }],
        },
      },
      errors: [bioError(['team', 'members', 1, 'bio'])],
    },
  },
  {
    name: 'custom extensions of an entity field error',
    query: '{ people { id status } }',
    expected: {
      data: {
        people: [
          { id: '1', status: null },
          { id: '2', status: 'online' },
          { id: '3', status: 'online' },
        ],
      },
      errors: [
        {
          message: 'Status is being migrated',
          path: ['people', 0, 'status'],
          extensions: { code: 'MIGRATING', until: '2030-01-01', retryable: false, serviceName: 'profiles' },
        },
      ],
    },
  },
  {
    name: 'an entity fetch failing for one of several entities',
    query: '{ people { id name badgeCount } }',
    expected: {
      data: {
        people: [
          { id: '1', name: 'Ada', badgeCount: 3 },
          { id: '2', name: 'Bob', badgeCount: 0 },
          { id: '3', name: 'Cy', badgeCount: null },
        ],
      },
      errors: [
        {
          message: 'No badge record for this person',
          path: ['people', 2],
          extensions: { code: 'NOT_FOUND', serviceName: 'badges' },
        },
      ],
    },
    subgraphRequests: { people: 1, badges: 1 },
  },
  {
    name: 'an entity batch failing as a whole: the error path is a client path',
    query: '{ team { members { id legacyId } } }',
    // The subgraph answers { data: null, errors: [{ path: ["_entities"] }] }. The error concerns
    // every member, so its path is the list that holds them.
    expected: {
      data: {
        team: {
          members: [
            { id: '1', legacyId: null },
            { id: '2', legacyId: null },
            { id: '3', legacyId: null },
          ],
        },
      },
      errors: [
        {
          message: 'Legacy store is corrupt',
          path: ['team', 'members'],
          extensions: { code: 'LEGACY_CORRUPT', serviceName: 'legacy' },
        },
      ],
    },
    knownBugs: {
      apollo:
        'Apollo Gateway answers path ["team", "members", "@", "_entities"]: the query plan\'s "@" list ' +
        'marker and the internal _entities field leak into the client path, which then points at no ' +
        'response field (makeLazyErrorPathGenerator in @apollo/gateway executeQueryPlan.js prefixes the ' +
        'fetch path when the subgraph error path has no entity index). Cf. apollographql/router#4548.',
    },
  },
];

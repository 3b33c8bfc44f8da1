import { validationError } from '../expected-errors.js';
import type { ConformanceCase } from '../types.js';

export const inaccessibleCases: ConformanceCase[] = [
  {
    name: '@inaccessible field still feeds a @requires',
    query: '{ me { trustLevel } user(id: "2") { trustLevel } }',
    expected: { data: { me: { trustLevel: 'veteran' }, user: { trustLevel: 'newcomer' } } },
  },
  {
    name: '@inaccessible field: querying it fails validation',
    query: '{ me { passwordHash } }',
    status: 400,
    expected: { errors: [validationError('Cannot query field "passwordHash" on type "User".', 1, 8)] },
    subgraphRequests: {},
  },
  {
    name: '@inaccessible field used by @requires cannot be queried either',
    query: '{\n  me {\n    id\n    accountAgeDays\n  }\n}',
    status: 400,
    expected: { errors: [validationError('Cannot query field "accountAgeDays" on type "User".', 4, 5)] },
    subgraphRequests: {},
  },
  {
    name: '@inaccessible argument: passing it fails validation',
    query: '{ user(id: "1", includeDeleted: true) { id } }',
    status: 400,
    expected: {
      errors: [validationError('Unknown argument "includeDeleted" on field "Query.user".', 1, 17)],
    },
  },
  {
    name: '@inaccessible enum value: passing it fails validation',
    query: '{ usersByRole(role: LEGACY_ROOT) { id } }',
    status: 400,
    expected: { errors: [validationError('Value "LEGACY_ROOT" does not exist in "Role" enum.', 1, 21)] },
  },
  {
    name: '@inaccessible enum value returned by a subgraph: the null reaches the nullable parent',
    query: '{ user(id: "3") { id role } }',
    // Apollo Gateway reports the problem only in extensions.valueCompletion, with no `errors`.
    expected: {
      data: { user: null },
      extensions: {
        valueCompletion: [
          {
            message: 'Invalid value found for field User.role.',
            path: ['user', 'role'],
            extensions: { code: 'INVALID_GRAPHQL' },
          },
        ],
      },
    },
  },
  {
    name: '@inaccessible types, fields and enum values are not introspectable',
    query: /* GraphQL */ `
      {
        audit: __type(name: "AuditEntry") {
          name
        }
        role: __type(name: "Role") {
          enumValues {
            name
          }
        }
        user: __type(name: "User") {
          fields {
            name
          }
        }
      }
    `,
    expected: {
      data: {
        audit: null,
        role: { enumValues: [{ name: 'MEMBER' }, { name: 'ADMIN' }] },
        user: {
          fields: ['id', 'username', 'displayName', 'karma', 'trustLevel', 'reviews', 'email', 'role'].map(
            (name) => ({ name }),
          ),
        },
      },
    },
    subgraphRequests: {},
  },
];

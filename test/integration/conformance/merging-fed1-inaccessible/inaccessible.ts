import type { ConformanceCase } from '../types.js';

/*
 * @inaccessible in the Fed2 accounts subgraph, used by the Fed1 subgraphs. The ownership
 * scenario already covers an inaccessible field, argument and enum literal failing validation,
 * an inaccessible non-null enum value nulling its parent, and __type of an inaccessible type;
 * these cases cover the rest.
 */
export const inaccessibleCases: ConformanceCase[] = [
  {
    name: '@inaccessible key field: a Fed1 subgraph\'s reference by @key(fields: "legacyId") still resolves',
    query: '{ topProducts { name createdBy { username email } } }',
    expected: {
      data: {
        topProducts: [
          { name: 'Lamp', createdBy: { username: 'ada', email: 'ada@example.com' } },
          { name: 'Desk', createdBy: { username: 'lin', email: 'lin@example.com' } },
          { name: 'Chair', createdBy: { username: 'ada', email: 'ada@example.com' } },
        ],
      },
    },
    subgraphRequests: { products: 1, accounts: 1 },
  },
  {
    name: 'a Fed1 @requires of an @inaccessible Fed2 field',
    // riskScore: ada 10, lin 75, max 30; canReview is riskScore < 50.
    query: '{ users { username canReview } }',
    expected: {
      data: {
        users: [
          { username: 'ada', canReview: true },
          { username: 'lin', canReview: false },
          { username: 'max', canReview: true },
        ],
      },
    },
    subgraphRequests: { accounts: 1, reviews: 1 },
  },
  {
    name: '@inaccessible type used only by inaccessible fields: unknown as a fragment type condition',
    query: '{ me { username ... on InternalNote { text } } }',
    status: 400,
    expected: {
      errors: [
        {
          message: 'Unknown type "InternalNote".',
          locations: [{ line: 1, column: 24 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    },
    subgraphRequests: {},
  },
  {
    name: '@inaccessible enum value returned in a nullable field and in a list: only those values are null',
    // lin's tier is STAFF and her tierHistory [FREE, STAFF]; STAFF is not in the API schema.
    query: '{ users { username tier tierHistory } }',
    expected: {
      data: {
        users: [
          { username: 'ada', tier: 'PRO', tierHistory: ['FREE', 'PRO'] },
          { username: 'lin', tier: null, tierHistory: ['FREE', null] },
          { username: 'max', tier: 'FREE', tierHistory: ['FREE'] },
        ],
      },
      extensions: {
        valueCompletion: [
          {
            message: 'Invalid value found for field User.tier.',
            path: ['users', 1, 'tier'],
            extensions: { code: 'INVALID_GRAPHQL' },
          },
          {
            // A list item is described by its index, not by its field.
            message: 'Invalid value found for array element of type AccountTier at index 1.',
            path: ['users', 1, 'tierHistory', 1],
            extensions: { code: 'INVALID_GRAPHQL' },
          },
        ],
      },
    },
    subgraphRequests: { accounts: 1 },
  },
  {
    name: '@inaccessible enum value in a mutation variable: BAD_USER_INPUT, nothing is sent',
    query: 'mutation ($tier: AccountTier!) { setTier(id: "1", tier: $tier) { tier } }',
    variables: { tier: 'STAFF' },
    status: 400,
    expected: {
      errors: [
        {
          message:
            'Variable "$tier" got invalid value "STAFF"; Value "STAFF" does not exist in "AccountTier" enum.',
          locations: [{ line: 1, column: 11 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    },
    subgraphRequests: {},
  },
  {
    name: 'mutation with an accessible enum value; its result needs a Fed1 @requires of an inaccessible field',
    // max is already FREE, so the mutation changes nothing and the case can run again.
    query: 'mutation { setTier(id: "3", tier: FREE) { username tier canReview } }',
    expected: { data: { setTier: { username: 'max', tier: 'FREE', canReview: true } } },
    subgraphRequests: { accounts: 1, reviews: 1 },
  },
  {
    name: '@inaccessible input field: passing it fails validation',
    query: '{ users(filter: { emailDomain: "example.com", includeStaff: false }) { username } }',
    status: 400,
    expected: {
      errors: [
        {
          message: 'Field "includeStaff" is not defined by type "UserFilter".',
          locations: [{ line: 1, column: 47 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    },
    subgraphRequests: {},
  },
  {
    name: "@inaccessible input field: the subgraph's default for it still applies",
    // includeStaff defaults to true in accounts, so lin (STAFF) is listed.
    query: 'query Users($filter: UserFilter) { users(filter: $filter) { username } }',
    variables: { filter: { emailDomain: 'example.com' } },
    expected: { data: { users: [{ username: 'ada' }, { username: 'lin' }] } },
    subgraphRequests: { accounts: 1 },
  },
  {
    name: 'introspection hides @inaccessible input fields and key and required fields',
    query: /* GraphQL */ `
      {
        filter: __type(name: "UserFilter") {
          inputFields {
            name
            defaultValue
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
        filter: {
          inputFields: [
            { name: 'tier', defaultValue: null },
            { name: 'emailDomain', defaultValue: null },
          ],
        },
        user: {
          fields: ['id', 'username', 'email', 'tier', 'tierHistory', 'wallet', 'reviews', 'canReview'].map(
            (name) => ({ name }),
          ),
        },
      },
    },
    subgraphRequests: {},
  },
];

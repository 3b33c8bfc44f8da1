import type { ConformanceCase, ConformanceScenario } from '../types.js';
import { inaccessibleCases } from './inaccessible.js';
import { reviewsSubgraph, usersSubgraph } from './subgraphs.js';

const ownershipCases: ConformanceCase[] = [
  {
    name: '@provides: the provided field comes with the reference, no trip to its owner',
    query: '{ topReview { body author { username } } }',
    expected: { data: { topReview: { body: 'Great kettle', author: { username: 'ada' } } } },
    subgraphRequests: { reviews: 1 },
  },
  {
    name: '@provides: also below an entity fetch',
    query: '{ user(id: "2") { reviews { author { username } } } }',
    expected: { data: { user: { reviews: [{ author: { username: 'grace' } }] } } },
    subgraphRequests: { users: 1, reviews: 1 },
  },
  {
    name: '@external fields that are not provided come from their owner',
    query: '{ reviews { id author { username email } } }',
    expected: {
      data: {
        reviews: [
          { id: 'r1', author: { username: 'ada', email: 'ada@example.com' } },
          { id: 'r2', author: { username: 'grace', email: 'grace@example.com' } },
          { id: 'r3', author: { username: 'ada', email: 'ada@example.com' } },
        ],
      },
    },
    subgraphRequests: { reviews: 1, users: 1 },
  },
  {
    name: '@shareable: resolved by the subgraph already being queried',
    query: '{ reviews { author { username displayName } } }',
    expected: {
      data: {
        reviews: [
          { author: { username: 'ada', displayName: 'Ada Lovelace' } },
          { author: { username: 'grace', displayName: 'Grace Hopper' } },
          { author: { username: 'ada', displayName: 'Ada Lovelace' } },
        ],
      },
    },
    subgraphRequests: { reviews: 1 },
  },
  {
    name: '@shareable: the other subgraph resolves it too',
    query: '{ me { displayName email } }',
    expected: { data: { me: { displayName: 'Ada Lovelace', email: 'ada@example.com' } } },
    subgraphRequests: { users: 1 },
  },
  {
    name: '@shareable root field: one subgraph answers it',
    query: '{ announcement }',
    expected: { data: { announcement: 'Maintenance on Sunday' } },
  },
  {
    name: '@override(from:): the field comes from the overriding subgraph',
    query: '{ me { username karma } }',
    expected: { data: { me: { username: 'ada', karma: 20 } } },
    subgraphRequests: { users: 1, reviews: 1 },
  },
  {
    name: '@override(from:): on a list of entities',
    query: '{ usersByRole(role: MEMBER) { id karma } }',
    expected: { data: { usersByRole: [{ id: '2', karma: 10 }] } },
    subgraphRequests: { users: 1, reviews: 1 },
  },
];

export const ownership: ConformanceScenario = {
  name: '@provides, @external, @shareable, @override, @inaccessible',
  subgraphs: [usersSubgraph, reviewsSubgraph],
  cases: [...ownershipCases, ...inaccessibleCases],
};

import type { ConformanceScenario } from '../types.js';
import { auditSubgraph, counterSubgraph } from './subgraphs.js';

export const mutations: ConformanceScenario = {
  name: 'mutations',
  subgraphs: [counterSubgraph, auditSubgraph],
  cases: [
    {
      name: 'aliased mutations of one subgraph run in order',
      query: 'mutation { r: reset a: increment b: increment c: increment(by: 5) }',
      expected: { data: { r: 0, a: 1, b: 2, c: 7 } },
      subgraphRequests: { counter: 1 },
    },
    {
      name: 'mutations alternating between subgraphs run in order',
      query:
        'mutation { r: reset(to: 1) a: increment(by: 2) b: double c: increment(by: 1) d: double e: square }',
      expected: { data: { r: 1, a: 3, b: 6, c: 7, d: 14, e: 196 } },
      subgraphRequests: { counter: 2, audit: 2 },
    },
    {
      name: 'mutation arguments from variables',
      query: 'mutation Add($start: Int!, $by: Int!) { reset(to: $start) increment(by: $by) }',
      variables: { start: 10, by: 5 },
      expected: { data: { reset: 10, increment: 15 } },
    },
    {
      name: 'a failing mutation field does not stop the ones after it',
      query: 'mutation { r: reset a: increment(by: 1) b: increment(by: -1) c: increment(by: 1) d: double }',
      expected: {
        data: { r: 0, a: 1, b: null, c: 2, d: 4 },
        errors: [
          {
            message: 'The counter only goes up',
            path: ['b'],
            extensions: { code: 'BAD_USER_INPUT', argumentName: 'by', serviceName: 'counter' },
          },
        ],
      },
    },
    {
      name: 'a mutation returning an entity extended with @requires in another subgraph',
      query: 'mutation { addNote(text: "hello federation") { id text length words } }',
      expected: {
        data: { addNote: { id: 'note-hello-federation', text: 'hello federation', length: 16, words: 2 } },
      },
      subgraphRequests: { counter: 1, audit: 1 },
    },
    {
      name: 'two aliased mutations returning entities',
      query: 'mutation { a: addNote(text: "one") { id length } b: addNote(text: "two words") { id words } }',
      expected: {
        data: { a: { id: 'note-one', length: 3 }, b: { id: 'note-two-words', words: 2 } },
      },
    },
    {
      name: 'operationName picks the mutation of a document with a query and a mutation',
      query: 'query Read { counterValue } mutation Write { reset(to: 42) double }',
      operationName: 'Write',
      expected: { data: { reset: 42, double: 84 } },
    },
    {
      name: '__typename on the mutation root',
      query: 'mutation { __typename reset(to: 3) }',
      expected: { data: { __typename: 'Mutation', reset: 3 } },
      subgraphRequests: { counter: 1 },
    },
  ],
};

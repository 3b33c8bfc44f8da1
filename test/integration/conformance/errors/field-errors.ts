import type { ConformanceCase } from '../types.js';

export const fieldErrorCases: ConformanceCase[] = [
  {
    name: 'a nullable root field erroring: null plus the error at its path',
    query: '{ fragileGreeting team { name } }',
    expected: {
      data: { fragileGreeting: null, team: { name: 'Core' } },
      errors: [
        {
          message: 'Greeting is unavailable',
          path: ['fragileGreeting'],
          extensions: { code: 'GREETING_UNAVAILABLE', serviceName: 'people' },
        },
      ],
    },
  },
  {
    name: 'a non-null root field erroring: the null reaches data',
    query: '{ requiredGreeting people { id } }',
    expected: {
      data: null,
      errors: [
        {
          message: 'Required greeting is unavailable',
          path: ['requiredGreeting'],
          extensions: { code: 'GREETING_UNAVAILABLE', serviceName: 'people' },
        },
      ],
    },
  },
  {
    name: 'custom error extensions are passed through, with serviceName added',
    query: '{ rateLimited }',
    expected: {
      data: { rateLimited: null },
      errors: [
        {
          message: 'Slow down',
          path: ['rateLimited'],
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds: 30,
            details: { bucket: 'greetings', limit: 10 },
            serviceName: 'people',
          },
        },
      ],
    },
  },
  {
    name: 'an error that is not a GraphQLError: INTERNAL_SERVER_ERROR, the subgraph message kept',
    query: '{ plainFailure }',
    expected: {
      data: { plainFailure: null },
      errors: [
        {
          message: 'Greeting service crashed',
          path: ['plainFailure'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'people' },
        },
      ],
    },
  },
  {
    name: 'errors from three subgraphs in one response',
    query: '{ fragileGreeting people { nickname badgeCount } }',
    expected: {
      data: {
        fragileGreeting: null,
        people: [
          { nickname: 'ace', badgeCount: 3 },
          { nickname: null, badgeCount: 0 },
          { nickname: null, badgeCount: null },
        ],
      },
      errors: [
        {
          message: 'Greeting is unavailable',
          path: ['fragileGreeting'],
          extensions: { code: 'GREETING_UNAVAILABLE', serviceName: 'people' },
        },
        {
          message: 'No badge record for this person',
          path: ['people', 2],
          extensions: { code: 'NOT_FOUND', serviceName: 'badges' },
        },
        {
          message: 'Nickname is private',
          path: ['people', 1, 'nickname'],
          extensions: { code: 'FORBIDDEN', serviceName: 'profiles' },
        },
      ],
    },
    subgraphRequests: { people: 1, profiles: 1, badges: 1 },
  },
];

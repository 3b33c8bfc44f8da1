import { GraphQLError, parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

const people = [
  { id: '1', name: 'Ada' },
  { id: '2', name: 'Bob' },
  { id: '3', name: 'Cy' },
];

/** people: owns Person and a few root fields that fail in different ways. */
export const peopleSubgraph: SubgraphDefinition = {
  name: 'people',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      people: [Person!]
      team: Team
      fragileGreeting: String
      requiredGreeting: String!
      rateLimited: String
      plainFailure: String
    }
    type Team {
      name: String!
      members: [Person]!
    }
    type Person @key(fields: "id") {
      id: ID!
      name: String!
    }
  `),
  resolvers: {
    Query: {
      people: () => people,
      team: () => ({ name: 'Core', members: people }),
      fragileGreeting: () => {
        throw new GraphQLError('Greeting is unavailable', { extensions: { code: 'GREETING_UNAVAILABLE' } });
      },
      requiredGreeting: () => {
        throw new GraphQLError('Required greeting is unavailable', {
          extensions: { code: 'GREETING_UNAVAILABLE' },
        });
      },
      rateLimited: () => {
        throw new GraphQLError('Slow down', {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds: 30,
            details: { bucket: 'greetings', limit: 10 },
          },
        });
      },
      plainFailure: () => {
        throw new Error('Greeting service crashed');
      },
    },
    Person: {
      __resolveReference: ({ id }: { id: string }) => people.find((person) => person.id === id) ?? null,
    },
  },
};

/** profiles: Person fields, some of which fail for person 2 (and one for person 1). */
export const profilesSubgraph: SubgraphDefinition = {
  name: 'profiles',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Person @key(fields: "id") {
      id: ID!
      nickname: String
      bio: String!
      status: String
    }
  `),
  resolvers: {
    Person: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      nickname: ({ id }: { id: string }) => {
        if (id === '2') throw new GraphQLError('Nickname is private', { extensions: { code: 'FORBIDDEN' } });
        return id === '1' ? 'ace' : null;
      },
      bio: ({ id }: { id: string }) => {
        if (id === '2')
          throw new GraphQLError('Bio store timed out', { extensions: { code: 'BIO_TIMEOUT' } });
        return id === '1' ? 'Mathematician' : 'Poet';
      },
      status: ({ id }: { id: string }) => {
        if (id === '1') {
          throw new GraphQLError('Status is being migrated', {
            extensions: { code: 'MIGRATING', until: '2030-01-01', retryable: false },
          });
        }
        return 'online';
      },
    },
  },
};

/** badges: cannot resolve the reference of person 3; the other references in the batch resolve. */
export const badgesSubgraph: SubgraphDefinition = {
  name: 'badges',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Person @key(fields: "id") {
      id: ID!
      badgeCount: Int
    }
  `),
  resolvers: {
    Person: {
      // Async: a rejection fails this one entity (null + an error at _entities.<index>).
      __resolveReference: async ({ id }: { id: string }) => {
        if (id === '3')
          throw new GraphQLError('No badge record for this person', { extensions: { code: 'NOT_FOUND' } });
        return { id };
      },
      badgeCount: ({ id }: { id: string }) => (id === '1' ? 3 : 0),
    },
  },
};

/** legacy: cannot resolve person 3 either, and fails the whole batch because of it. */
export const legacySubgraph: SubgraphDefinition = {
  name: 'legacy',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Person @key(fields: "id") {
      id: ID!
      legacyId: String
    }
  `),
  resolvers: {
    Person: {
      // Synchronous: @apollo/subgraph then fails the whole _entities field (data: null, path ["_entities"]).
      __resolveReference: ({ id }: { id: string }) => {
        if (id === '3')
          throw new GraphQLError('Legacy store is corrupt', { extensions: { code: 'LEGACY_CORRUPT' } });
        return { id };
      },
      legacyId: ({ id }: { id: string }) => `L-${id}`,
    },
  },
};

import { GraphQLError, parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

interface Person {
  id: string;
  name: string;
}

const people: Person[] = [
  { id: '1', name: 'Ada' },
  { id: '2', name: 'Bob' },
  { id: '3', name: 'Cy' },
  { id: '4', name: 'Dee' },
  { id: '5', name: 'Eve' },
  // An ex-member: the directory still lists her, HR has no record of her.
  { id: '6', name: 'Fay' },
];

const person = (id: string): Person => {
  const found = people.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no person ${id}`);
  return found;
};
const membersOf = (...ids: (string | null)[]) => ids.map((id) => (id === null ? null : person(id)));

const core = { id: 't1', name: 'Core', members: membersOf('1', '2', '3') };
// A gap (null member) and Bob a second time: entity indexes in a batch are not client indexes.
const ops = { id: 't2', name: 'Ops', members: membersOf('4', null, '5', '2') };
const guild = { id: 't3', name: 'Guild', members: membersOf('1', null, '6', '3') };

const feed = [
  { __typename: 'Robot', serial: 'R-1' },
  { __typename: 'Person', ...person('2') },
  { __typename: 'Robot', serial: 'R-2' },
  { __typename: 'Person', ...person('4') },
];

/** directory: owns Person and every root field; Team and the feed are its own. */
export const directory: SubgraphDefinition = {
  name: 'directory',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      me: Person
      person(id: ID!): Person
      people: [Person]
      team: Team
      teams: [Team]
      guild: Team
      feed: [FeedItem]
    }
    type Team {
      id: ID!
      name: String!
      members: [Person]
    }
    type Person @key(fields: "id") {
      id: ID!
      name: String!
    }
    type Robot {
      serial: String!
    }
    union FeedItem = Person | Robot
  `),
  resolvers: {
    Query: {
      me: () => person('1'),
      person: (_: unknown, { id }: { id: string }) => people.find((candidate) => candidate.id === id) ?? null,
      people: () => people.slice(0, 5),
      team: () => core,
      teams: () => [core, ops],
      guild: () => guild,
      feed: () => feed,
    },
    Person: {
      __resolveReference: ({ id }: { id: string }) => people.find((candidate) => candidate.id === id) ?? null,
    },
  },
};

const titles: Record<string, string> = { '1': 'Engineer', '3': 'Designer', '5': 'Manager' };
const mentors: Record<string, string | null> = { '1': '3', '2': '3', '3': null, '4': '1', '5': '4' };
const reviews: Record<string, { year: number; score: number | null }[]> = {
  '1': [{ year: 2024, score: 4 }],
  '2': [],
  // Cy's 2023 score cannot be read: the error points into the entity's list field.
  '3': [
    { year: 2023, score: null },
    { year: 2024, score: 5 },
  ],
  '4': [{ year: 2024, score: 3 }],
  '5': [],
};

/** hr: Person fields that fail for some people; cannot resolve Fay (6) at all. */
export const hr: SubgraphDefinition = {
  name: 'hr',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Person @key(fields: "id") {
      id: ID!
      title: String
      badge: String!
      reviews: [Review]
      mentor: Person
    }
    type Review {
      year: Int!
      score: Int
    }
  `),
  resolvers: {
    Person: {
      // Async: a rejection fails this one entity (null plus an error at ["_entities", i]).
      __resolveReference: async ({ id }: { id: string }) => {
        if (id === '6')
          throw new GraphQLError('No HR record for this person', { extensions: { code: 'NOT_FOUND' } });
        return { id };
      },
      title: ({ id }: { id: string }) => {
        if (id === '2' || id === '4')
          throw new GraphQLError('Title is confidential', { extensions: { code: 'FORBIDDEN' } });
        return titles[id] ?? null;
      },
      badge: ({ id }: { id: string }) => {
        if (id === '5')
          throw new GraphQLError('Badge was revoked', { extensions: { code: 'BADGE_REVOKED' } });
        return `B-${id}`;
      },
      reviews: ({ id }: { id: string }) => reviews[id] ?? null,
      mentor: ({ id }: { id: string }) => {
        const mentor = mentors[id];
        return mentor ? { id: mentor } : null;
      },
    },
    Review: {
      score: ({ score }: { score: number | null }) => {
        if (score === null)
          throw new GraphQLError('Review is sealed', { extensions: { code: 'REVIEW_SEALED' } });
        return score;
      },
    },
  },
};

/** legacy: its store is offline, so every batch it is sent fails as a whole. */
export const legacy: SubgraphDefinition = {
  name: 'legacy',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Person @key(fields: "id") {
      id: ID!
      legacyId: String
      legacyCode: String!
    }
  `),
  resolvers: {
    Person: {
      // Synchronous: @apollo/subgraph then fails the whole _entities field, so the subgraph
      // answers { data: null, errors: [{ path: ["_entities"] }] }.
      __resolveReference: () => {
        throw new GraphQLError('Legacy store is offline', { extensions: { code: 'LEGACY_OFFLINE' } });
      },
      legacyId: ({ id }: { id: string }) => `L-${id}`,
      legacyCode: ({ id }: { id: string }) => `C-${id}`,
    },
  },
};

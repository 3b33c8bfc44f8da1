import { GraphQLError, parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

/**
 * One counter both subgraphs change (they run in the same process), so the values the
 * mutations return show the order the gateway ran them in.
 */
const counter = { value: 0 };

const noteId = (text: string) => `note-${text.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** counter: resets and increments the counter, and creates notes. */
export const counterSubgraph: SubgraphDefinition = {
  name: 'counter',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      counterValue: Int!
    }
    type Mutation {
      reset(to: Int! = 0): Int!
      "Fails for a negative step."
      increment(by: Int! = 1): Int
      addNote(text: String!): Note!
    }
    type Note @key(fields: "id") {
      id: ID!
      text: String!
    }
  `),
  resolvers: {
    Query: { counterValue: () => counter.value },
    Mutation: {
      reset: (_: unknown, { to }: { to: number }) => (counter.value = to),
      increment: (_: unknown, { by }: { by: number }) => {
        if (by < 0) {
          throw new GraphQLError('The counter only goes up', {
            extensions: { code: 'BAD_USER_INPUT', argumentName: 'by' },
          });
        }
        return (counter.value += by);
      },
      addNote: (_: unknown, { text }: { text: string }) => ({ id: noteId(text), text }),
    },
    Note: {
      __resolveReference: ({ id }: { id: string }) => ({ id, text: id.slice('note-'.length) }),
    },
  },
};

/** audit: doubles and squares the same counter, and measures notes from their text. */
export const auditSubgraph: SubgraphDefinition = {
  name: 'audit',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires"])
    type Mutation {
      double: Int!
      square: Int!
    }
    type Note @key(fields: "id") {
      id: ID!
      text: String! @external
      length: Int! @requires(fields: "text")
      words: Int! @requires(fields: "text")
    }
  `),
  resolvers: {
    Mutation: {
      double: () => (counter.value *= 2),
      square: () => (counter.value **= 2),
    },
    Note: {
      __resolveReference: (reference: { id: string; text?: string }) => reference,
      length: ({ text }: { text: string }) => text.length,
      words: ({ text }: { text: string }) => text.split(/\s+/).filter(Boolean).length,
    },
  },
};

import { parse } from 'graphql';
import { users, type BenchUser } from './data.js';
import type { BenchSubgraphDefinition } from './definition.js';

const usersById = new Map(users.map((user) => [user.id, user]));

/** accounts: the users. Federation 1 SDL. */
export const accounts: BenchSubgraphDefinition = {
  name: 'accounts',
  typeDefs: parse(`
    type Query {
      me: User
      user(id: ID!): User
      users: [User]
    }

    type User @key(fields: "id") {
      id: ID!
      name: String
      username: String
      birthday: Int
    }
  `),
  resolvers: {
    Query: {
      me: (): BenchUser | undefined => users[0],
      user: (_source: unknown, args: { id: string }): BenchUser | null => usersById.get(args.id) ?? null,
      users: (): readonly BenchUser[] => users,
    },
    User: {
      __resolveReference: (reference: { id: string }): BenchUser | null =>
        usersById.get(reference.id) ?? null,
    },
  },
};

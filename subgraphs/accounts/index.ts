import { parse } from 'graphql';
import {
  isEntryPoint,
  runStandalone,
  serveSubgraph,
  type ListenOptions,
  type RunningService,
  type SubgraphDefinition,
} from '../lib/serve-subgraph.js';
import { CURRENT_USER_ID, findUser, users } from './data.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

  type Query {
    "The signed-in user."
    me: User
    user(id: ID!): User
    users: [User!]!
  }

  type User @key(fields: "id") {
    id: ID!
    name: String!
    "Also resolvable by the reviews subgraph, which @provides it on Review.author."
    username: String! @shareable
    email: String!
    "ISO 8601 date, e.g. 1988-04-12."
    birthDate: String!
    "ISO 8601 date the account was created."
    memberSince: String!
  }
`);

export const accountsSubgraph: SubgraphDefinition = {
  name: 'accounts',
  typeDefs,
  resolvers: {
    Query: {
      me: () => findUser(CURRENT_USER_ID) ?? null,
      user: (_: unknown, { id }: { id: string }) => findUser(id) ?? null,
      users: () => users,
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => findUser(id) ?? null,
    },
  },
};

export function startAccounts(options?: ListenOptions): Promise<RunningService> {
  return serveSubgraph(accountsSubgraph, options);
}

if (isEntryPoint(import.meta.url)) void runStandalone(startAccounts, 4001);

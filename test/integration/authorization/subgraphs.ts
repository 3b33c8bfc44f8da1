import { parse } from 'graphql';
import type { SubgraphDefinition } from '../../../subgraphs/lib/serve-subgraph.js';

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6",
  import: ["@key", "@authenticated", "@requiresScopes", "@policy"])`;

/** People, their accounts and an audit log, with a requirement on nearly everything. */
export const ACCOUNTS_SDL = `${FEDERATION}
type Query {
  me: User @authenticated
  users: [User!]!
  accounts: [Account!]!
  search: [SearchResult!]!
  internal: Internal
  motd: String
}
type User @key(fields: "id") {
  id: ID!
  name: String!
  email: String @requiresScopes(scopes: [["read:email"], ["admin", "read:pii"]])
  ssn: String @policy(policies: [["support"]])
  creditLimit: Int @policy(policies: [["billing"]])
}
interface Account { id: ID! owner: String contact: String }
type Personal implements Account { id: ID! owner: String contact: String }
type Business implements Account {
  id: ID!
  owner: String
  contact: String @requiresScopes(scopes: [["finance"]])
  revenue: Int @requiresScopes(scopes: [["finance"]])
}
union SearchResult = User | AuditLog
type AuditLog @requiresScopes(scopes: [["audit"]]) { id: ID action: String }
type Internal @authenticated { note: String }
`;

const people = [
  { id: 'u1', name: 'Ada', email: 'ada@example.com', ssn: '111', creditLimit: 100 },
  { id: 'u2', name: 'Grace', email: 'grace@example.com', ssn: '222', creditLimit: 200 },
];

export const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: parse(ACCOUNTS_SDL),
  resolvers: {
    Query: {
      me: () => people[0],
      users: () => people,
      accounts: () => [
        { __typename: 'Personal', id: 'a1', owner: 'Ada', contact: 'ada@home' },
        { __typename: 'Business', id: 'a2', owner: 'Grace', contact: 'cfo@corp', revenue: 5000 },
      ],
      search: () => [
        { __typename: 'User', ...people[1] },
        { __typename: 'AuditLog', id: 'l1', action: 'login' },
      ],
      internal: () => ({ note: 'staff only' }),
      motd: () => 'hello',
    },
    User: { __resolveReference: ({ id }: { id: string }) => people.find((person) => person.id === id) },
    SearchResult: { __resolveType: (value: { __typename: string }) => value.__typename },
    Account: { __resolveType: (value: { __typename: string }) => value.__typename },
  },
};

/** Reviews of people, with a field behind @authenticated on the other side of an entity join. */
export const REVIEWS_SDL = `${FEDERATION}
type Query { latestReviews: [Review] }
type Review @key(fields: "id") { id: ID! body: String! rating: Int @authenticated stars: Int! @authenticated }
type User @key(fields: "id") { id: ID! reviews: [Review!]! privateNotes: String @requiresScopes(scopes: [["notes"]]) }
`;

const reviewsByUser: Record<string, { id: string; body: string; rating: number; stars: number }[]> = {
  u1: [{ id: 'r1', body: 'Great', rating: 5, stars: 5 }],
  u2: [{ id: 'r2', body: 'Fine', rating: 3, stars: 3 }],
};

export const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(REVIEWS_SDL),
  resolvers: {
    Query: { latestReviews: () => Object.values(reviewsByUser).flat() },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      reviews: ({ id }: { id: string }) => reviewsByUser[id] ?? [],
      privateNotes: ({ id }: { id: string }) => `notes about ${id}`,
    },
  },
};

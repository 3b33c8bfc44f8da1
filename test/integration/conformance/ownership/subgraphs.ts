import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';
const ANNOUNCEMENT = 'Maintenance on Sunday';

interface User {
  id: string;
  username: string;
  displayName: string;
  email: string;
  accountAgeDays: number;
  role: 'MEMBER' | 'ADMIN' | 'LEGACY_ROOT';
}
interface Review {
  id: string;
  body: string;
  authorId: string;
}

const users: User[] = [
  {
    id: '1',
    username: 'ada',
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    accountAgeDays: 3650,
    role: 'ADMIN',
  },
  {
    id: '2',
    username: 'grace',
    displayName: 'Grace Hopper',
    email: 'grace@example.com',
    accountAgeDays: 12,
    role: 'MEMBER',
  },
  {
    id: '3',
    username: 'root',
    displayName: 'Legacy Root',
    email: 'root@example.com',
    accountAgeDays: 9000,
    role: 'LEGACY_ROOT',
  },
];
const reviews: Review[] = [
  { id: 'r1', body: 'Great kettle', authorId: '1' },
  { id: 'r2', body: 'Too heavy', authorId: '2' },
  { id: 'r3', body: 'Would buy again', authorId: '1' },
];

const findUser = (id: string) => users.find((user) => user.id === id) ?? null;

/** users: owns User; some of its fields and one enum value are @inaccessible. */
export const usersSubgraph: SubgraphDefinition = {
  name: 'users',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable", "@inaccessible"])
    type Query {
      me: User
      user(id: ID!, includeDeleted: Boolean = false @inaccessible): User
      usersByRole(role: Role!): [User!]!
      announcement: String @shareable
    }
    type User @key(fields: "id") {
      id: ID!
      username: String! @shareable
      displayName: String! @shareable
      email: String!
      "Moved to the reviews subgraph with @override; this resolver answers a stale value."
      karma: Int!
      accountAgeDays: Int! @inaccessible
      passwordHash: String @inaccessible
      auditLog: [AuditEntry!] @inaccessible
      role: Role!
    }
    type AuditEntry @inaccessible {
      at: String!
    }
    enum Role {
      MEMBER
      ADMIN
      LEGACY_ROOT @inaccessible
    }
  `),
  resolvers: {
    Query: {
      me: () => users[0],
      user: (_: unknown, { id }: { id: string }) => findUser(id),
      usersByRole: (_: unknown, { role }: { role: string }) => users.filter((user) => user.role === role),
      announcement: () => ANNOUNCEMENT,
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => findUser(id),
      karma: () => -1,
      passwordHash: () => 'not-a-real-hash',
      auditLog: () => [{ at: '2024-01-01' }],
    },
  },
};

interface UserReference {
  id: string;
  username?: string;
  accountAgeDays?: number;
}

/** reviews: @provides the author's username, shares displayName, took karma over with @override. */
export const reviewsSubgraph: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(/* GraphQL */ `
    extend schema
      @link(
        url: "${FEDERATION}"
        import: ["@key", "@shareable", "@external", "@provides", "@requires", "@override"]
      )
    type Query {
      reviews: [Review!]!
      topReview: Review
      announcement: String @shareable
    }
    type Review @key(fields: "id") {
      id: ID!
      body: String!
      author: User! @provides(fields: "username")
    }
    type User @key(fields: "id") {
      id: ID!
      username: String! @external
      displayName: String! @shareable
      karma: Int! @override(from: "users")
      accountAgeDays: Int! @external
      trustLevel: String! @requires(fields: "accountAgeDays")
      reviews: [Review!]!
    }
  `),
  resolvers: {
    Query: {
      reviews: () => reviews,
      topReview: () => reviews[0],
      announcement: () => ANNOUNCEMENT,
    },
    Review: {
      __resolveReference: ({ id }: { id: string }) => reviews.find((review) => review.id === id) ?? null,
      author: (review: Review) => {
        const user = findUser(review.authorId);
        return { id: review.authorId, username: user?.username };
      },
    },
    User: {
      __resolveReference: (reference: UserReference) => reference,
      displayName: ({ id }: UserReference) => findUser(id)?.displayName,
      karma: ({ id }: UserReference) => reviews.filter((review) => review.authorId === id).length * 10,
      trustLevel: (reference: UserReference) => {
        if (reference.accountAgeDays === undefined) throw new Error('accountAgeDays was not sent');
        return reference.accountAgeDays > 365 ? 'veteran' : 'newcomer';
      },
      reviews: ({ id }: UserReference) => reviews.filter((review) => review.authorId === id),
    },
  },
};

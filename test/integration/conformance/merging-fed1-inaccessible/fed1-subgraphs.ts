import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

/*
 * products and reviews are Federation 1 subgraphs (no @link; `extend type ... @key` with
 * @external keys); accounts is a Federation 2 subgraph, the only one using @inaccessible.
 * Money is a value type defined in products and in accounts.
 */

interface Money {
  amount: number;
  currency: string;
}
interface Product {
  upc: string;
  name: string;
  price: Money;
  weight: number;
  createdByLegacyId: string;
}

const products: Product[] = [
  { upc: 'p1', name: 'Lamp', price: { amount: 30, currency: 'EUR' }, weight: 2, createdByLegacyId: 'L-100' },
  {
    upc: 'p2',
    name: 'Desk',
    price: { amount: 250, currency: 'EUR' },
    weight: 30,
    createdByLegacyId: 'L-200',
  },
  { upc: 'p3', name: 'Chair', price: { amount: 80, currency: 'USD' }, weight: 8, createdByLegacyId: 'L-100' },
];
const findProduct = (upc: string) => products.find((product) => product.upc === upc) ?? null;

/** products (Federation 1): owns Product; knows its creator only by the legacy key. */
export const productsSubgraph: SubgraphDefinition = {
  name: 'products',
  typeDefs: parse(/* GraphQL */ `
    type Query {
      topProducts(first: Int = 5): [Product]
      product(upc: String!): Product
    }
    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Money
      weight: Int
      createdBy: User
    }
    type Money {
      amount: Int
      currency: String
    }
    extend type User @key(fields: "legacyId") {
      legacyId: String! @external
    }
  `),
  resolvers: {
    Query: {
      topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first),
      product: (_: unknown, { upc }: { upc: string }) => findProduct(upc),
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => findProduct(upc),
      createdBy: (product: Product) => ({ legacyId: product.createdByLegacyId }),
    },
  },
};

interface Review {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

const reviews: Review[] = [
  { id: 'r1', body: 'Bright enough', authorId: '1', productUpc: 'p1' },
  { id: 'r2', body: 'Wobbly legs', authorId: '2', productUpc: 'p2' },
  { id: 'r3', body: 'Sturdy', authorId: '1', productUpc: 'p2' },
];
/** The usernames reviews keeps to @provides them. */
const authorUsernames: Record<string, string> = { '1': 'ada', '2': 'lin' };
/** Reviews flagged by the flagReview mutation; flagging twice changes nothing. */
const flagged = new Set<string>();
const findReview = (id: string) => reviews.find((review) => review.id === id) ?? null;

interface UserReference {
  id: string;
  riskScore?: number | null;
}

/** reviews (Federation 1): extends Product and User; @provides, @requires Fed1-style. */
export const reviewsSubgraph: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(/* GraphQL */ `
    extend type Query {
      reviews: [Review]
    }
    extend type Mutation {
      flagReview(id: ID!): Review
    }
    type Review @key(fields: "id") {
      id: ID!
      body: String
      flagged: Boolean
      author: User @provides(fields: "username")
      product: Product
    }
    extend type User @key(fields: "id") {
      id: ID! @external
      username: String! @external
      riskScore: Int @external
      reviews: [Review]
      canReview: Boolean @requires(fields: "riskScore")
    }
    extend type Product @key(fields: "upc") {
      upc: String! @external
      weight: Int @external
      reviews: [Review]
      shippingCost: Int @requires(fields: "weight")
    }
  `),
  resolvers: {
    Query: {
      reviews: () => reviews,
    },
    Mutation: {
      flagReview: (_: unknown, { id }: { id: string }) => {
        const review = findReview(id);
        if (review) flagged.add(review.id);
        return review;
      },
    },
    Review: {
      __resolveReference: ({ id }: { id: string }) => findReview(id),
      flagged: (review: Review) => flagged.has(review.id),
      author: (review: Review) => ({ id: review.authorId, username: authorUsernames[review.authorId] }),
      product: (review: Review) => ({ upc: review.productUpc }),
    },
    User: {
      reviews: ({ id }: UserReference) => reviews.filter((review) => review.authorId === id),
      canReview: ({ riskScore }: UserReference) => {
        if (riskScore === undefined) throw new Error('riskScore was not sent');
        return riskScore !== null && riskScore < 50;
      },
    },
    Product: {
      reviews: ({ upc }: { upc: string }) => reviews.filter((review) => review.productUpc === upc),
      shippingCost: ({ weight }: { weight?: number | null }) => {
        if (weight === undefined) throw new Error('weight was not sent');
        return weight === null ? null : weight * 3;
      },
    },
  },
};

interface User {
  id: string;
  legacyId: string;
  username: string;
  email: string;
  tier: 'FREE' | 'PRO' | 'STAFF';
  tierHistory: ('FREE' | 'PRO' | 'STAFF')[];
  wallet: Money | null;
  riskScore: number;
}
interface UserFilter {
  tier?: string | null;
  emailDomain?: string | null;
  includeStaff?: boolean;
}

const users: User[] = [
  {
    id: '1',
    legacyId: 'L-100',
    username: 'ada',
    email: 'ada@example.com',
    tier: 'PRO',
    tierHistory: ['FREE', 'PRO'],
    wallet: { amount: 12, currency: 'EUR' },
    riskScore: 10,
  },
  {
    id: '2',
    legacyId: 'L-200',
    username: 'lin',
    email: 'lin@example.com',
    tier: 'STAFF',
    tierHistory: ['FREE', 'STAFF'],
    wallet: null,
    riskScore: 75,
  },
  {
    id: '3',
    legacyId: 'L-300',
    username: 'max',
    email: 'max@corp.example',
    tier: 'FREE',
    tierHistory: ['FREE'],
    wallet: { amount: 0, currency: 'USD' },
    riskScore: 30,
  },
];
const findUser = (reference: { id?: string; legacyId?: string }) =>
  users.find((user) =>
    reference.id === undefined ? user.legacyId === reference.legacyId : user.id === reference.id,
  ) ?? null;

/** accounts (Federation 2): owns User; a key field, a required field, a type and an enum value are @inaccessible. */
export const accountsSubgraph: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable", "@inaccessible"])
    type Query {
      me: User
      users(filter: UserFilter): [User!]!
    }
    type Mutation {
      setTier(id: ID!, tier: AccountTier!): User
    }
    type User @key(fields: "id") @key(fields: "legacyId") {
      id: ID!
      legacyId: String! @inaccessible
      username: String! @shareable
      email: String!
      tier: AccountTier
      tierHistory: [AccountTier]
      wallet: Money
      riskScore: Int @inaccessible
      notes: [InternalNote!] @inaccessible
    }
    type Money @shareable {
      amount: Int
      currency: String
    }
    type InternalNote @inaccessible {
      text: String!
    }
    enum AccountTier {
      FREE
      PRO
      STAFF @inaccessible
    }
    input UserFilter {
      tier: AccountTier
      emailDomain: String
      includeStaff: Boolean = true @inaccessible
    }
  `),
  resolvers: {
    Query: {
      me: () => users[0],
      users: (_: unknown, { filter }: { filter?: UserFilter | null }) =>
        users.filter(
          (user) =>
            (filter?.tier == null || user.tier === filter.tier) &&
            (filter?.emailDomain == null || user.email.endsWith(`@${filter.emailDomain}`)) &&
            (filter?.includeStaff !== false || user.tier !== 'STAFF'),
        ),
    },
    Mutation: {
      setTier: (_: unknown, { id, tier }: { id: string; tier: User['tier'] }) => {
        const user = findUser({ id });
        if (user) user.tier = tier;
        return user;
      },
    },
    User: {
      __resolveReference: (reference: { id?: string; legacyId?: string }) => findUser(reference),
      notes: () => [{ text: 'VIP' }],
    },
  },
};

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { productsSubgraph } from '../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../subgraphs/reviews/index.js';

/** SDLs to publish to a registry in tests: the example subgraphs, and a small one to change. */

export const exampleSdl = {
  accounts: print(accountsSubgraph.typeDefs),
  products: print(productsSubgraph.typeDefs),
  reviews: print(reviewsSubgraph.typeDefs),
  /** A REST connector subgraph: composes with products (it extends the Product interface). */
  inventory: readFileSync(join(import.meta.dirname, '../../schema/inventory.graphql'), 'utf8'),
};

/**
 * A users subgraph with `Query.me`, `Query.user(id:)` and `User { id … }`, plus the fields given:
 * `usersSdl('name: String!')`.
 */
export function usersSdl(userFields: string, queryFields = 'user(id: ID!): User'): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

type Query {
  me: User
  ${queryFields}
}

type User @key(fields: "id") {
  id: ID!
  ${userFields}
}
`;
}

/** A subgraph that adds one root field, `<name>: Int`: many of them compose side by side. */
export function rootFieldSdl(name: string): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

type Query {
  ${name}: Int
}
`;
}

import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { DocumentNode } from 'graphql';

/** The four subgraphs of the benchmark, in the order of the supergraph's join__Graph enum. */
export const benchSubgraphNames = ['accounts', 'inventory', 'products', 'reviews'] as const;

export type BenchSubgraphName = (typeof benchSubgraphNames)[number];

export function isBenchSubgraphName(value: string): value is BenchSubgraphName {
  return (benchSubgraphNames as readonly string[]).includes(value);
}

export interface BenchSubgraphDefinition {
  name: BenchSubgraphName;
  /** Federation 1 SDL, for `buildSubgraphSchema`. */
  typeDefs: DocumentNode;
  /** Field resolvers, with `__resolveReference` for entities. Every resolver is synchronous. */
  resolvers: GraphQLResolverMap<unknown>;
}

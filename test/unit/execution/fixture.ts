import { composeServices } from '@apollo/composition';
import { Supergraph, operationFromDocument, type Operation } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { SchemaFacts } from '../../../src/execution/schema-facts.js';

export interface Fixture {
  supergraph: Supergraph;
  facts: SchemaFacts;
  sdl: string;
  operation(query: string, operationName?: string): Operation;
  plan(operation: Operation): QueryPlan;
}

/** Composes Federation 2 subgraphs (SDL without the @link header) into a supergraph for unit tests. */
export function composeFixture(subgraphs: Record<string, string>): Fixture {
  const header =
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@external", "@requires", "@shareable", "@interfaceObject"])\n';
  const composed = composeServices(
    Object.entries(subgraphs).map(([name, sdl]) => ({
      name,
      url: `http://${name}.test/graphql`,
      typeDefs: parse(header + sdl),
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
  const supergraph = Supergraph.build(composed.supergraphSdl);
  const api = supergraph.apiSchema();
  const facts = new SchemaFacts(api, supergraph.schema);
  const planner = new QueryPlanner(supergraph);
  return {
    supergraph,
    facts,
    sdl: composed.supergraphSdl,
    operation: (query, operationName) =>
      operationFromDocument(api, parse(query), operationName === undefined ? {} : { operationName }),
    plan: (operation) => planner.buildQueryPlan(operation),
  };
}

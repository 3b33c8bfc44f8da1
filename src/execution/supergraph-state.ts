import {
  ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
  Supergraph,
  operationFromDocument,
} from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema, VariableDefinitionNode } from 'graphql';
import { compilePlan, type ApolloPlan, type CompiledPlan } from './compile-plan.js';
import { LruCache } from './lru-cache.js';
import { SchemaFacts } from './schema-facts.js';

/**
 * Everything execution keeps per supergraph: Apollo's query planner over it, the facts about its
 * types, and the compiled plans. A supergraph update builds a new state; requests in flight finish on
 * the one they started with.
 */
export class SupergraphState {
  readonly facts: SchemaFacts;
  private readonly planner: QueryPlanner;
  private readonly plans: LruCache<string, CompiledPlan | ApolloPlan>;

  constructor(
    /** The gateway's API schema (graphql-js), against which variables are validated. */
    readonly apiSchema: GraphQLSchema,
    coreSupergraphSdl: string,
    planCacheSize: number,
    private readonly onApolloPlan: (reason: string) => void,
  ) {
    // The gateway has validated this supergraph, and refused any feature it cannot serve; whatever
    // feature set it was built with, the widest one accepts what it accepted.
    const supergraph = Supergraph.build(coreSupergraphSdl, {
      validateSupergraph: false,
      supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
    });
    this.facts = new SchemaFacts(supergraph.apiSchema(), supergraph.schema);
    this.planner = new QueryPlanner(supergraph);
    this.plans = new LruCache(planCacheSize);
  }

  /**
   * The compiled plan for an operation, cached by the hash of its text and its name. Planning errors
   * are left for Apollo's executor to report, in its own words.
   */
  planFor(
    queryHash: string,
    operationName: string | undefined,
    document: DocumentNode,
    variableDefinitions: readonly VariableDefinitionNode[],
  ): CompiledPlan | ApolloPlan {
    const key = operationName === undefined ? queryHash : `${queryHash}\n${operationName}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = this.compile(document, operationName, variableDefinitions);
      if (plan.kind === 'apollo') this.onApolloPlan(plan.reason);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private compile(
    document: DocumentNode,
    operationName: string | undefined,
    variableDefinitions: readonly VariableDefinitionNode[],
  ): CompiledPlan | ApolloPlan {
    let operation;
    let queryPlan;
    try {
      operation = operationFromDocument(
        this.facts.apiSchema,
        document,
        operationName === undefined ? {} : { operationName },
      );
      queryPlan = this.planner.buildQueryPlan(operation);
    } catch (error) {
      return {
        kind: 'apollo',
        reason: `planning failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    try {
      return compilePlan(queryPlan, operation, variableDefinitions, this.facts);
    } catch (error) {
      // A plan this executor cannot compile is still a plan Apollo's executor can run.
      return {
        kind: 'apollo',
        reason: `compiling failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}

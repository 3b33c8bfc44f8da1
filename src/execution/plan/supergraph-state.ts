import {
  ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
  Supergraph,
  operationFromDocument,
} from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import {
  Location,
  Token,
  TokenKind,
  type DocumentNode,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import { compilePlan, type ApolloPlan, type CompiledPlan } from './compile-plan.js';
import { LruCache, type LruCacheLimits } from '../lru-cache.js';
import { estimatePlanBytes } from './plan-bytes.js';
import { withRequiredArguments } from './required-arguments-plan.js';
import { RequiredArguments } from './required-arguments.js';
import { SchemaFacts } from '../schema-facts.js';

/** A plan that Apollo's executor runs: the reason, and the cache entry. */
const APOLLO_PLAN_BYTES = 256;

/**
 * Everything execution keeps per supergraph: Apollo's query planner over it, the facts about its
 * types, and the compiled plans. A supergraph update builds a new state; requests in flight finish on
 * the one they started with.
 */
export class SupergraphState {
  readonly facts: SchemaFacts;
  private readonly planner: QueryPlanner;
  private readonly requiredArguments: RequiredArguments;
  private readonly plans: LruCache<string, CompiledPlan | ApolloPlan>;

  constructor(
    /** The gateway's API schema (graphql-js), against which variables are validated. */
    readonly apiSchema: GraphQLSchema,
    coreSupergraphSdl: string,
    planCache: LruCacheLimits,
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
    this.requiredArguments = new RequiredArguments(supergraph);
    this.plans = new LruCache(planCache);
  }

  /**
   * The compiled plan for an operation, cached by the hash of its text and its name, unless its
   * estimated bytes are over the cache's limit for one plan: then it is compiled for every request.
   * Planning errors are left for Apollo's executor to report, in its own words. `onLookup` hears
   * whether the cache had the plan, once it is there.
   */
  planFor(
    queryHash: string,
    operationName: string | undefined,
    document: DocumentNode,
    variableDefinitions: readonly VariableDefinitionNode[],
    onLookup?: (cache: 'hit' | 'miss') => void,
  ): CompiledPlan | ApolloPlan {
    const key = operationName === undefined ? queryHash : `${queryHash}\n${operationName}`;
    let plan = this.plans.get(key);
    if (plan !== undefined) {
      onLookup?.('hit');
    } else {
      const detached = variableDefinitions.map(detachLocations);
      plan = this.compile(document, operationName, detached);
      if (plan.kind === 'apollo') this.onApolloPlan(plan.reason);
      // The detached definitions still point at the operation's text, for error locations.
      const textChars = variableDefinitions[0]?.loc?.source.body.length ?? 0;
      const bytes =
        plan.kind === 'apollo' ? APOLLO_PLAN_BYTES + plan.reason.length : estimatePlanBytes(plan, textChars);
      this.plans.set(key, plan, key.length + bytes);
      onLookup?.('miss');
    }
    return plan;
  }

  /**
   * The query plan Gatehouse's executor runs for the operation, planned again (it is asked for on
   * request, to be shown); undefined when planning fails.
   */
  shownPlan(document: DocumentNode, operationName: string | undefined): QueryPlan | undefined {
    try {
      const operation = operationFromDocument(
        this.facts.apiSchema,
        document,
        operationName === undefined ? {} : { operationName },
      );
      const queryPlan = this.planner.buildQueryPlan(operation);
      return withRequiredArguments(
        queryPlan,
        this.requiredArguments,
        { document, operationName },
        this.facts,
      );
    } catch {
      return undefined;
    }
  }

  /** The estimated bytes of the cached plans, and how many there are. */
  get cached(): { bytes: number; plans: number } {
    return { bytes: this.plans.bytes, plans: this.plans.size };
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
      const fixed = withRequiredArguments(
        queryPlan,
        this.requiredArguments,
        { document, operationName },
        this.facts,
      );
      return compilePlan(fixed, operation, variableDefinitions, this.facts);
    } catch (error) {
      // A plan this executor cannot compile is still a plan Apollo's executor can run.
      return {
        kind: 'apollo',
        reason: `compiling failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}

/**
 * A copy of an AST node whose locations keep their offsets and source (what error locations need)
 * but not the parser's tokens, which are linked to each other and would keep every token of the
 * operation on the heap for as long as the plan is cached.
 */
function detachLocations<T>(node: T): T {
  if (Array.isArray(node)) return node.map(detachLocations) as T;
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = key === 'loc' && value ? detachedLocation(value as Location) : detachLocations(value);
  }
  return copy as T;
}

function detachedLocation(loc: Location): Location {
  const { line, column } = loc.startToken;
  const token = new Token(TokenKind.SOF, loc.start, loc.end, line, column);
  return new Location(token, token, loc.source);
}

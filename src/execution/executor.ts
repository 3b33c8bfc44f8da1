import type { ApolloGateway } from '@apollo/gateway';
import { prettyFormatQueryPlan } from '@apollo/query-planner';
import type { GraphQLError as GraphQLErrorType, GraphQLSchema } from 'graphql';
import { getVariableValues, GraphQLError } from 'graphql';
import type { ExecutionInstrument } from './instrument.js';
import type { CompiledPlan } from './plan/compile-plan.js';
import { runSchedule, type RawSubgraphSource } from './run/run-plan.js';
import { cachedSchedule, type Schedule } from './plan/schedule.js';
import { shapeResponse } from './shape/shape-response.js';
import { SupergraphState } from './plan/supergraph-state.js';
import type { GatehouseContext } from '../request-context.js';

export type GatewayExecutor = ApolloGateway['executor'];
type GatewayExecutionResult = Awaited<ReturnType<GatewayExecutor>>;

export interface GatehouseExecutionOptions {
  /** Apollo Gateway's own executor: runs what Gatehouse's does not support. */
  apolloExecutor: GatewayExecutor;
  /** The transport of a subgraph, by name. */
  source(serviceName: string): RawSubgraphSource | undefined;
  /** The plan cache's bounds, in estimated bytes: all plans, and one plan (larger ones are not kept). */
  queryPlanCacheBytes: number;
  maxCachedPlanBytes: number;
  /** Called when a supergraph cannot be prepared; Apollo's executor serves it meanwhile. */
  onStateError(error: unknown): void;
  /** Called once per cached plan that Apollo's executor runs instead, with the reason. */
  onApolloPlan(reason: string): void;
  /** Whether query plans are shown on request (`exposeQueryPlans`), as Apollo Gateway shows them. */
  exposeQueryPlans: boolean;
  /** Watches planning and running (telemetry); absent, nothing is watched. */
  instrument?: ExecutionInstrument | undefined;
}

const NO_CONDITIONS: readonly boolean[] = [];

/**
 * Gatehouse's executor for Apollo query plans. Planning stays Apollo's (its QueryPlanner over the
 * same supergraph); execution runs the plan in waves with merged, de-duplicated subgraph requests and
 * shapes the response with a compiled shape. What it does not support (introspection, @defer,
 * subscriptions, context rewrites, non-boolean @skip/@include variables) goes to Apollo's executor.
 * Every answer is the one Apollo would give, except where Apollo's is wrong (README, "Correctness").
 */
export class GatehouseExecution {
  private state: SupergraphState | undefined;
  /**
   * Each served supergraph's state, by its API schema: a request validated against a supergraph
   * is planned and run on it, even when a newer one was swapped in meanwhile. An old state goes
   * with the last request that holds its schema.
   */
  private readonly statesBySchema = new WeakMap<GraphQLSchema, SupergraphState>();

  constructor(private readonly options: GatehouseExecutionOptions) {}

  /** The estimated bytes and the number of the current supergraph's cached plans. */
  get cachedPlans(): { bytes: number; plans: number } {
    return this.state?.cached ?? { bytes: 0, plans: 0 };
  }

  /** For `gateway.onSchemaLoadOrUpdate`: a new supergraph, with a new planner and plan cache. */
  readonly onSchemaLoadOrUpdate = ({
    apiSchema,
    coreSupergraphSdl,
  }: {
    apiSchema: GraphQLSchema;
    coreSupergraphSdl: string;
  }): void => {
    try {
      this.state = new SupergraphState(
        apiSchema,
        coreSupergraphSdl,
        { maxBytes: this.options.queryPlanCacheBytes, maxEntryBytes: this.options.maxCachedPlanBytes },
        this.options.onApolloPlan,
      );
      this.statesBySchema.set(apiSchema, this.state);
    } catch (error) {
      // Never serve a stale supergraph: Apollo's executor takes over until the next update.
      this.state = undefined;
      this.options.onStateError(error);
    }
  };

  readonly execute: GatewayExecutor = async (requestContext) => {
    const state = this.statesBySchema.get(requestContext.schema);
    const { request } = requestContext;
    if (!state) return this.options.apolloExecutor(requestContext);
    const { instrument } = this.options;
    const context = requestContext.context as GatehouseContext;
    const plan = state.planFor(
      requestContext.queryHash,
      request.operationName,
      requestContext.document,
      requestContext.operation.variableDefinitions ?? [],
      instrument?.plan?.(context),
    );
    if (plan.kind === 'apollo') return this.options.apolloExecutor(requestContext);
    const variables = request.variables ?? {};
    if (plan.variableDefinitions.length > 0) {
      // What Apollo's executor checks before it runs a plan.
      const { errors } = getVariableValues(state.apiSchema, plan.variableDefinitions, variables);
      if (errors) return { errors };
    }
    const shapeConditions = conditionValues(plan.shape.conditionVariables, plan, variables);
    const schedule = shapeConditions ? scheduleOf(plan, variables) : undefined;
    // A condition variable that is not a boolean makes Apollo fail in its own way.
    if (!shapeConditions || !schedule) return this.options.apolloExecutor(requestContext);
    const result =
      instrument?.execute === undefined
        ? await this.run(state, plan, schedule, variables, shapeConditions, context)
        : await instrument.execute(context, () =>
            this.run(state, plan, schedule, variables, shapeConditions, context),
          );
    const headers = request.http?.headers;
    if (!this.options.exposeQueryPlans || !headers?.get('Apollo-Query-Plan-Experimental')) return result;
    // As Apollo Gateway answers the header, extensions included; the plan is the one that ran.
    const shown = state.shownPlan(requestContext.document, request.operationName);
    const format = headers.get('Apollo-Query-Plan-Experimental-Format') ?? 'prettified';
    const queryPlan =
      format === 'prettified'
        ? (shown?.node && prettyFormatQueryPlan(shown)) || true
        : format === 'internal'
          ? (shown ?? true)
          : true;
    return { ...result, extensions: { __queryPlanExperimental: queryPlan } };
  };

  private async run(
    state: SupergraphState,
    plan: CompiledPlan,
    schedule: Schedule,
    variables: Readonly<Record<string, unknown>>,
    conditions: readonly boolean[],
    context: unknown,
  ): Promise<GatewayExecutionResult> {
    const { data, errors } = await runSchedule(schedule, variables, this.options.source, context);
    let shaped;
    try {
      shaped = shapeResponse(plan.shape, state.facts, data, conditions);
    } catch (error) {
      // Apollo's result shaping asserts on malformed data; its executor answers with that error alone.
      if (error instanceof GraphQLError) return { errors: [error] };
      const message = error instanceof Error ? error.message : 'Unexpected error during query plan execution';
      return { errors: [new GraphQLError(message, error instanceof Error ? { originalError: error } : {})] };
    }
    const fetchErrors = errors as GraphQLErrorType[];
    if (fetchErrors.length === 0 && shaped.errors.length > 0) {
      return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    }
    return fetchErrors.length === 0 ? { data: shaped.data } : { errors: fetchErrors, data: shaped.data };
  }
}

/**
 * The boolean value of each variable, the request's or else its default; undefined when one is not a
 * boolean.
 */
function conditionValues(
  names: readonly string[],
  plan: CompiledPlan,
  variables: Readonly<Record<string, unknown>>,
): readonly boolean[] | undefined {
  if (names.length === 0) return NO_CONDITIONS;
  const values: boolean[] = [];
  for (const name of names) {
    let value = Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
    if (value === undefined) value = plan.defaults[name];
    if (typeof value !== 'boolean') return undefined;
    values.push(value);
  }
  return values;
}

/** The schedule for the values of the plan's Condition variables; undefined when one is not a boolean. */
function scheduleOf(plan: CompiledPlan, variables: Readonly<Record<string, unknown>>): Schedule | undefined {
  const values = conditionValues(plan.planConditions, plan, variables);
  return values && cachedSchedule(plan, values);
}

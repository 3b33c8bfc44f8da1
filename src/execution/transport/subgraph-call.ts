import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLError } from 'graphql';
import type { GatehouseContext } from '../../request-context.js';

/** A subgraph's answer: a GraphQL response (`data`, `errors`, `extensions`). */
export type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** How Gatehouse's executor sends a call: the body as JSON text, and the client request's context. */
export interface RawSubgraphSource {
  /**
   * `context` is the client request's, which the subgraph-call hooks and connectors read; `fetches`
   * is how many of the plan's fetches the body carries (more than one when merged).
   */
  fetchRaw(body: string, context?: unknown, fetches?: number): Promise<SubgraphResponse>;
}

/** One request from the gateway to a subgraph, as the subgraph-call hooks see it. */
export interface SubgraphCall {
  /** The subgraph's name in the supergraph. */
  readonly subgraph: string;
  /** Whether the operation reads or writes: retries and de-duplication are for queries only. */
  readonly kind: 'query' | 'mutation';
  /** The GraphQL request as JSON text: `{"query":…,"variables":…}`. */
  readonly body: string;
  /** The headers sent with it; hooks may set, rename or remove them before calling `next`. */
  headers: Record<string, string>;
  /** The client request it is made for. */
  readonly context: GatehouseContext;
  /**
   * True when the transport's answer depends on more of the client request than `body` and
   * `headers` (a REST connector subgraph reads `$context` and `$request.headers`), so that the
   * call's answer can never serve another client request. Absent means false.
   */
  readonly readsClientRequest?: boolean;
  /**
   * How many fetches of the query plan this call carries: more than one when Gatehouse's executor
   * merged them into one request. Absent means one.
   */
  readonly fetches?: number;
}

/**
 * Wraps one subgraph call: do something before, call `next` (the next hook, or the transport), do
 * something after. A failed call rejects with a GraphQL error (`SUBGRAPH_UNAVAILABLE`, …), which
 * becomes a field error of the client's response; the rest of the response is still served.
 */
export type SubgraphCallHook = (call: SubgraphCall, next: SubgraphCallNext) => Promise<SubgraphResponse>;
export type SubgraphCallNext = (call: SubgraphCall) => Promise<SubgraphResponse>;

/** Sends a call: over HTTP to a GraphQL subgraph, or in process to a REST connector subgraph. */
export interface SubgraphTransport {
  /** See {@link SubgraphCall.readsClientRequest}; absent means false. */
  readonly readsClientRequest?: boolean;
  send(
    call: Pick<SubgraphCall, 'body' | 'headers'> & { context: GatehouseContext | undefined },
  ): Promise<SubgraphResponse>;
  close(): Promise<void>;
}

/**
 * Why a call failed, for the hooks that act on failures (retries, circuit breaker): the connection
 * could not be made or broke, the subgraph did not answer in time, it answered an HTTP error status
 * without a GraphQL body, its body was not GraphQL, or it was too large; or the call was not made
 * at all because the subgraph's circuit breaker is open.
 */
export type SubgraphFailure =
  | { kind: 'connection' }
  | { kind: 'timeout' }
  | { kind: 'status'; status: number }
  | { kind: 'bad-response'; status: number }
  | { kind: 'too-large' }
  | { kind: 'circuit-open' };

const FAILURE = Symbol('gatehouse.subgraphFailure');

/** Tags the error a transport rejects with; the client sees only the error's message and code. */
export function withFailure(error: GraphQLError, failure: SubgraphFailure): GraphQLError {
  Object.defineProperty(error, FAILURE, { value: failure, enumerable: false });
  return error;
}

/** Why a call failed, when the error came from a transport; undefined for anything else. */
export function failureOf(error: unknown): SubgraphFailure | undefined {
  return typeof error === 'object' && error !== null
    ? ((error as Record<symbol, SubgraphFailure | undefined>)[FAILURE] ?? undefined)
    : undefined;
}

/** Runs the hooks around `send`, the first hook outermost; without hooks, `send` itself. */
export function composeSubgraphCall(
  hooks: readonly SubgraphCallHook[],
  send: SubgraphCallNext,
): SubgraphCallNext {
  return hooks.reduceRight<SubgraphCallNext>((next, hook) => (call) => hook(call, next), send);
}

// The planner prints every fetch as `query …` or `mutation …`; bodies start with the operation.
const MUTATION_BODY = /^\{"query":"\s*mutation\b/;

/**
 * The one way into a subgraph, for both executors: Apollo's calls `process`, Gatehouse's calls
 * `fetchRaw`. Every call made for a client request goes through the subgraph-call hooks of the
 * plugin list, then the transport; calls that no client made (health checks) go straight to it.
 */
export class SubgraphSource implements GraphQLDataSource, RawSubgraphSource {
  private readonly call: SubgraphCallNext;
  private readonly readsClientRequest: boolean;

  constructor(
    readonly name: string,
    readonly transport: SubgraphTransport,
    hooks: readonly SubgraphCallHook[],
  ) {
    this.call = composeSubgraphCall(hooks, (call) => transport.send(call));
    this.readsClientRequest = transport.readsClientRequest === true;
  }

  process(options: GraphQLDataSourceProcessOptions): ReturnType<GraphQLDataSource['process']> {
    const { request } = options;
    const body = JSON.stringify({
      query: request.query,
      operationName: request.operationName,
      variables: request.variables,
    });
    const context = 'context' in options ? (options.context as Partial<GatehouseContext>) : undefined;
    return this.fetchRaw(body, context) as ReturnType<GraphQLDataSource['process']>;
  }

  fetchRaw(body: string, context?: unknown, fetches?: number): Promise<SubgraphResponse> {
    const client = context as Partial<GatehouseContext> | undefined;
    if (client?.request === undefined) return this.transport.send({ body, headers: {}, context: undefined });
    return this.call({
      subgraph: this.name,
      kind: MUTATION_BODY.test(body) ? 'mutation' : 'query',
      body,
      headers: {},
      context: client as GatehouseContext,
      readsClientRequest: this.readsClientRequest,
      ...(fetches !== undefined && fetches > 1 ? { fetches } : {}),
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

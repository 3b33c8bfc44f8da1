import type { ApolloServerPlugin } from '@apollo/server';
import type {
  FastifyInstance,
  onRequestHookHandler,
  onResponseHookHandler,
  onSendHookHandler,
  preHandlerHookHandler,
  preParsingHookHandler,
} from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { ExecutionInstrument } from '../execution/instrument.js';
import type { SubgraphCallHook } from '../execution/transport/subgraph-call.js';
import type { GatehouseContext } from '../request-context.js';

export type {
  SubgraphCall,
  SubgraphCallHook,
  SubgraphCallNext,
} from '../execution/transport/subgraph-call.js';

/**
 * A Gatehouse plugin: one concern (identity, rate limits, header rules, telemetry, …) hooking the
 * layers it needs, as Apollo Router's `Plugin` (router, supergraph, execution and subgraph services)
 * and Hive Gateway's `GatewayPlugin` do. The plugins are assembled into one list, in one place
 * (`assemblePlugins`), and each layer runs its hooks in list order. A feature that is off is not in
 * the list, so it costs nothing.
 *
 * A plugin that refuses a request says so with a code from `src/errors.ts`: at the edge by answering
 * with `sendError(reply, code)`, in the operation layer by throwing `gatehouseError(code, …)`.
 */
export interface GatewayPlugin {
  /** Shown in the plugin-order test, logs and the README. */
  readonly name: string;
  /** The HTTP edge, as Fastify hooks; a hook that sends a reply ends the request there. */
  readonly edge?: EdgeHooks;
  /** Routes and Fastify plugins of the concern (CORS, the sandbox, /metrics), registered in order. */
  register?(app: FastifyInstance): Promise<void> | void;
  /**
   * The GraphQL operation, as an Apollo Server plugin: `didResolveOperation` runs after the
   * operation is parsed, validated and resolved and before it is planned; `willSendResponse` sees
   * the response.
   */
  readonly operation?: ApolloServerPlugin<GatehouseContext>;
  /** Wraps every subgraph call, from both executors and from REST connectors. */
  readonly subgraphCall?: SubgraphCallHook;
  /**
   * Watches what no other hook sees (telemetry): planning and running in Gatehouse's executor, and
   * each HTTP call of a REST connector.
   */
  readonly instrument?: ExecutionInstrument;
  /**
   * Rewrites a supergraph's SDL before the gateway loads it (for example to take out features the
   * stock loader refuses but this plugin enforces). Runs in list order on every supergraph.
   */
  prepareSupergraph?(supergraphSdl: string): string;
  /** A new supergraph is being served: drop what was keyed to the old one. */
  supergraphChanged?(supergraph: LoadedSupergraph): void;
  /**
   * What the plugin has to say in `/ready`'s detail (a circuit breaker's states, say). It does not
   * change the status: a gateway that serves is ready.
   */
  readiness?(): Record<string, unknown>;
  /** The gateway is stopping; run in reverse list order. */
  dispose?(): Promise<void> | void;
}

/** The edge hooks, run for every HTTP request in list order. */
export interface EdgeHooks {
  /** When the request arrives, before anything is read. */
  readonly onRequest?: onRequestHookHandler;
  /** Before the body is read. */
  readonly beforeBody?: preParsingHookHandler;
  /**
   * After the body is read. Identity sets `request.principal` here, so the hooks of the plugins
   * after it in the list (traffic, security) see who is calling.
   */
  readonly afterBody?: preHandlerHookHandler;
  /** Before the response is sent; may replace the payload. */
  readonly onSend?: onSendHookHandler;
  /** After the response is sent. */
  readonly onResponse?: onResponseHookHandler;
}

/** What the supergraph-change hook is told. */
export interface LoadedSupergraph {
  apiSchema: GraphQLSchema;
  coreSupergraphSdl: string;
}

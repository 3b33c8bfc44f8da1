import { ApolloGateway, type SupergraphSdlUpdateFunction } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { FastifyBaseLogger } from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import { ConnectorRuntime } from '../connectors/runtime.js';
import { boundedDocumentStore, DOCUMENT_STORE_LIMITS } from '../execution/plan/document-store.js';
import { GatehouseExecution } from '../execution/executor.js';
import { combineInstruments, type ExecutionInstrument } from '../execution/instrument.js';
import { SubgraphSource, type SubgraphCallHook } from '../execution/transport/subgraph-call.js';
import type { HttpPools } from '../execution/transport/http-pools.js';
import { HttpSubgraphTransport } from '../execution/transport/http-transport.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { persistedQueryOptions } from '../security/persisted/apq.js';
import type { Redis } from '../store/key-value-redis.js';
import { introspectionDecidedPerCaller } from '../security/introspection.js';
import type { GatehouseContext } from '../request-context.js';
import { formatClientError } from './format-error.js';
import { executorsShowPlans } from './query-plan-access.js';

export interface GraphQLRuntime {
  apollo: ApolloServer<GatehouseContext>;
  /** Swaps the served supergraph; in-flight requests finish on the old one. */
  updateSupergraph(supergraphSdl: string): void;
  stop(): Promise<void>;
}

export interface GraphQLRuntimeOptions {
  config: GatehouseConfig;
  supergraphSdl: string;
  logger: FastifyBaseLogger;
  /** The assembled plugin list: its operation, subgraph-call and supergraph hooks are installed here. */
  plugins: readonly GatewayPlugin[];
  /** The gateway's connections (from the composition root). */
  http: HttpPools;
  /** The shared Redis client (composition root), when `redis:` is configured: APQ may live there. */
  redis?: Redis | undefined;
}

/**
 * Apollo Server over Apollo Gateway, with Gatehouse's executor in place of Apollo's (unless
 * `execution.engine: apollo`). The plugins' operation hooks become Apollo Server plugins, their
 * subgraph-call hooks wrap every subgraph's transport (HTTP or REST connector), and their supergraph
 * hooks see every supergraph before and after it loads.
 */
export async function startGraphQLRuntime({
  config,
  supergraphSdl,
  logger,
  plugins,
  http,
  redis,
}: GraphQLRuntimeOptions): Promise<GraphQLRuntime> {
  const sources: SubgraphSource[] = [];
  // The current source of each subgraph; the gateway builds a new one when a URL changes.
  const sourcesByName = new Map<string, SubgraphSource>();
  const callHooks = plugins.flatMap((plugin): SubgraphCallHook[] =>
    plugin.subgraphCall ? [plugin.subgraphCall] : [],
  );
  const instrument = combineInstruments([
    observePlanCache,
    ...plugins.flatMap((plugin) => (plugin.instrument ? [plugin.instrument] : [])),
  ]);
  const connectors = new ConnectorRuntime(config, logger, http.restAgent, instrument.connectorCall);
  const prepare = (sdl: string) =>
    plugins.reduce(
      (prepared, plugin) => plugin.prepareSupergraph?.(prepared) ?? prepared,
      connectors.prepare(sdl),
    );
  const subgraphSettings = new Map(config.subgraphs.map((subgraph) => [subgraph.name, subgraph]));
  let update: SupergraphSdlUpdateFunction | undefined;
  const gateway = new ApolloGateway({
    logger,
    // Apollo decides by NODE_ENV; plans name subgraphs and internal operations, so the stage decides:
    // the query-plan-access plugin drops the header of a request that may not see a plan.
    __exposeQueryPlanExperimental: executorsShowPlans(config, plugins),
    supergraphSdl: {
      async initialize(options) {
        update = options.update;
        return { supergraphSdl: prepare(supergraphSdl) };
      },
    },
    buildService({ name, url }) {
      if (!url) throw new Error(`Subgraph "${name}" has no URL in the supergraph`);
      const settings = subgraphSettings.get(name);
      const transport =
        connectors.transport(name) ??
        new HttpSubgraphTransport(
          name,
          url,
          {
            timeoutMs: settings?.timeoutMs ?? config.transport.timeoutMs,
            maxResponseBytes: settings?.maxResponseBytes ?? config.transport.maxResponseBytes,
            connections: config.transport.connectionsPerSubgraph,
          },
          http,
        );
      const source = new SubgraphSource(name, transport, callHooks);
      sources.push(source);
      sourcesByName.set(name, source);
      return source;
    },
  });
  for (const plugin of plugins) {
    if (plugin.supergraphChanged)
      gateway.onSchemaLoadOrUpdate((loaded) => plugin.supergraphChanged?.(loaded));
  }
  if (config.execution.engine === 'gatehouse')
    useGatehouseExecution(
      gateway,
      config,
      sourcesByName,
      logger,
      executorsShowPlans(config, plugins),
      instrument,
    );
  // Suggestions name schema members: not for clients who may not see the schema, or all of it.
  // Production stages hide them anyway (security.hideSuggestions).
  const hideSuggestions =
    config.security.hideSuggestions || !config.introspection || config.auth.hideUnauthorizedInIntrospection;
  const apollo = new ApolloServer<GatehouseContext>({
    gateway,
    // Apollo's default store weighs documents by their JSON, a quarter of their heap.
    documentStore: boundedDocumentStore(DOCUMENT_STORE_LIMITS),
    // APQ (security.apq): Apollo's protocol over the gateway's bounded memory store or Redis.
    persistedQueries: persistedQueryOptions(
      config.security.apq,
      { client: redis, keyPrefix: config.redis?.keyPrefix ?? '' },
      logger,
    ),
    logger,
    // Where introspection is off, security/introspection.ts decides per caller (scopes, admin token).
    introspection: config.introspection || introspectionDecidedPerCaller(plugins),
    // A batch is refused at the edge unless enabled (security/requests.ts); Apollo runs what it lets in.
    allowBatchedHttpRequests: config.security.batching.enabled,
    // CSRF prevention happens at the HTTP edge (edge/csrf.ts), with the gateway's own error code.
    csrfPrevention: false,
    // Shutdown is ours: drain HTTP first, then stop Apollo (see server/start.ts).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatClientError(formatted, error, logger, hideSuggestions),
    plugins: [
      // Apollo's default landing page loads from a CDN; the gateway serves its own sandbox.
      ApolloServerPluginLandingPageDisabled(),
      ...plugins.flatMap((plugin) => (plugin.operation ? [plugin.operation] : [])),
    ],
  });
  await apollo.start();
  return {
    apollo,
    updateSupergraph(sdl) {
      if (!update) throw new Error('The supergraph manager has not been initialised');
      update(prepare(sdl));
    },
    async stop() {
      await apollo.stop();
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}

/**
 * Replaces the gateway's executor with Gatehouse's, which keeps Apollo's for what it does not
 * support. Apollo Server takes the executor from `gateway.load()` (which returns `gateway.executor`)
 * when it starts, so the replacement must happen before `apollo.start()`. Planning state follows every
 * supergraph the gateway loads.
 */
function useGatehouseExecution(
  gateway: ApolloGateway,
  config: GatehouseConfig,
  sources: ReadonlyMap<string, SubgraphSource>,
  logger: FastifyBaseLogger,
  exposeQueryPlans: boolean,
  instrument: ExecutionInstrument,
): void {
  const execution = new GatehouseExecution({
    apolloExecutor: gateway.executor,
    source: (name) => sources.get(name),
    queryPlanCacheBytes: config.execution.queryPlanCacheBytes,
    maxCachedPlanBytes: config.execution.maxCachedPlanBytes,
    onStateError: (error) =>
      logger.error(
        { err: error },
        "could not prepare Gatehouse's executor for the supergraph; Apollo's executor serves it",
      ),
    onApolloPlan: (reason) => logger.debug({ reason }, "a query plan runs on Apollo's executor"),
    exposeQueryPlans,
    instrument,
  });
  gateway.onSchemaLoadOrUpdate(execution.onSchemaLoadOrUpdate);
  gateway.executor = execution.execute;
}

/** Notes on the request's observation whether Gatehouse's executor found the plan in its cache. */
const observePlanCache: ExecutionInstrument = {
  plan(context) {
    const observation = (context as Partial<GatehouseContext>).request?.observation;
    if (observation === undefined) return undefined;
    return (cache) => {
      observation.planCache = cache;
    };
  },
};

import { ApolloGateway, type SupergraphSdlUpdateFunction } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { FastifyBaseLogger } from 'fastify';
import { headersForSubgraphs } from '../auth/forwarding.js';
import type { GatehouseConfig } from '../config/load.js';
import { ConnectorRuntime, type ConnectorDataSource } from '../connectors/runtime.js';
import { GatehouseExecution } from '../execution/executor.js';
import { SubgraphDataSource } from '../execution/subgraph-data-source.js';
import { setUpAuthorization } from './authorization-setup.js';
import type { GatehouseContext } from './context.js';
import { formatClientError } from './format-error.js';
import { gatehousePlugins } from './plugins.js';

export interface GraphQLRuntime {
  apollo: ApolloServer<GatehouseContext>;
  /** Swaps the served supergraph; in-flight requests finish on the old one. */
  updateSupergraph(supergraphSdl: string): void;
  stop(): Promise<void>;
}

export async function startGraphQLRuntime(
  config: GatehouseConfig,
  supergraphSdl: string,
  logger: FastifyBaseLogger,
): Promise<GraphQLRuntime> {
  // The gateway otherwise reports usage metrics to Apollo's servers.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const dataSources: (SubgraphDataSource | ConnectorDataSource)[] = [];
  // The current data source of each subgraph; the gateway builds a new one when a URL changes.
  const sourcesByName = new Map<string, SubgraphDataSource | ConnectorDataSource>();
  const headersFor = subgraphHeaders(config);
  const connectors = new ConnectorRuntime(config, logger, headersFor);
  const prepare = (sdl: string) => authorization.prepare(connectors.prepare(sdl));
  const timeouts = new Map(config.subgraphs.map((subgraph) => [subgraph.name, subgraph.timeoutMs]));
  const sizeLimits = new Map(config.subgraphs.map((subgraph) => [subgraph.name, subgraph.maxResponseBytes]));
  let update: SupergraphSdlUpdateFunction | undefined;
  const authorization = setUpAuthorization(config, logger);
  const gateway = new ApolloGateway({
    logger,
    // Apollo decides by NODE_ENV; plans name subgraphs and internal operations, so the stage decides.
    __exposeQueryPlanExperimental: config.exposeQueryPlans,
    supergraphSdl: {
      async initialize(options) {
        update = options.update;
        return { supergraphSdl: prepare(supergraphSdl) };
      },
    },
    buildService({ name, url }) {
      if (!url) throw new Error(`Subgraph "${name}" has no URL in the supergraph`);
      const source =
        connectors.dataSource(name) ??
        new SubgraphDataSource(name, url, {
          timeoutMs: timeouts.get(name) ?? config.transport.timeoutMs,
          maxResponseBytes: sizeLimits.get(name) ?? config.transport.maxResponseBytes,
          connections: config.transport.connectionsPerSubgraph,
          headersFor,
        });
      dataSources.push(source);
      sourcesByName.set(name, source);
      return source;
    },
  });
  gateway.onSchemaLoadOrUpdate((loaded) => authorization.bind(loaded));
  if (config.execution.engine === 'gatehouse') {
    useGatehouseExecution(gateway, config, sourcesByName, headersFor, logger);
  }
  // Suggestions name schema members: not for clients who may not see the schema, or all of it.
  const hideSuggestions = !config.introspection || config.auth.hideUnauthorizedInIntrospection;
  const apollo = new ApolloServer<GatehouseContext>({
    gateway,
    logger,
    introspection: config.introspection,
    // CSRF prevention happens at the HTTP edge (server/csrf.ts), with the gateway's own error code.
    csrfPrevention: false,
    // Shutdown is ours: drain HTTP first, then stop Apollo (see server/start.ts).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatClientError(formatted, error, logger, hideSuggestions),
    plugins: gatehousePlugins(authorization.plugin),
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
      await Promise.all(dataSources.map((source) => source.close()));
      await connectors.close();
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
  sources: ReadonlyMap<string, SubgraphDataSource | ConnectorDataSource>,
  subgraphHeaders: SubgraphHeaders | undefined,
  logger: FastifyBaseLogger,
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
    exposeQueryPlans: config.exposeQueryPlans,
    subgraphHeaders,
  });
  gateway.onSchemaLoadOrUpdate(execution.onSchemaLoadOrUpdate);
  gateway.executor = execution.execute;
}

type SubgraphHeaders = (context: GatehouseContext) => Record<string, string> | undefined;

/** The caller's claims (and token) forwarded to subgraphs; not installed when nothing is forwarded. */
function subgraphHeaders(config: GatehouseConfig): SubgraphHeaders | undefined {
  const { auth } = config;
  if (auth.forwardClaims.length === 0 && !auth.forwardToken) return undefined;
  return ({ request }) => headersForSubgraphs(request.principal, request, auth);
}

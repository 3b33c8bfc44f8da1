import { ApolloGateway, type SupergraphSdlUpdateFunction } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { FastifyBaseLogger } from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import { SubgraphDataSource } from '../execution/subgraph-data-source.js';
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
  const dataSources: SubgraphDataSource[] = [];
  const timeouts = new Map(config.subgraphs.map((subgraph) => [subgraph.name, subgraph.timeoutMs]));
  let update: SupergraphSdlUpdateFunction | undefined;
  const gateway = new ApolloGateway({
    logger,
    supergraphSdl: {
      async initialize(options) {
        update = options.update;
        return { supergraphSdl };
      },
    },
    buildService({ name, url }) {
      if (!url) throw new Error(`Subgraph "${name}" has no URL in the supergraph`);
      const source = new SubgraphDataSource(name, url, {
        timeoutMs: timeouts.get(name) ?? config.transport.timeoutMs,
        connections: config.transport.connectionsPerSubgraph,
      });
      dataSources.push(source);
      return source;
    },
  });
  const apollo = new ApolloServer<GatehouseContext>({
    gateway,
    logger,
    introspection: config.introspection,
    // CSRF prevention happens at the HTTP edge (server/csrf.ts), with the gateway's own error code.
    csrfPrevention: false,
    // Shutdown is ours: drain HTTP first, then stop Apollo (see server/start.ts).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatClientError(formatted, error, logger),
    plugins: gatehousePlugins(),
  });
  await apollo.start();
  return {
    apollo,
    updateSupergraph(sdl) {
      if (!update) throw new Error('The supergraph manager has not been initialised');
      update(sdl);
    },
    async stop() {
      await apollo.stop();
      await Promise.all(dataSources.map((source) => source.close()));
    },
  };
}

import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import type { GatehouseConfig } from '../config/load.js';
import { startGraphQLRuntime, type GraphQLRuntime } from '../gateway/graphql-runtime.js';
import type { Registry } from '../registry/types.js';
import { LiveSupergraph, type SupergraphStatus } from '../supergraph/live.js';
import { staticSource, type SupergraphSource } from '../supergraph/source.js';
import { createSupergraphSource } from '../supergraph/sources.js';
import { useSupergraphStatus } from '../supergraph/status-plugin.js';
import { assemblePlugins, type AssembleOptions } from '../pipeline/assemble.js';
import { createLogger } from '../pipeline/logger.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { createResources, type OwnedResources } from '../pipeline/resources.js';
import { buildApp } from './app.js';
import { seedFollowedStage, usageReporting } from './registry-wiring.js';
import { graphqlHandler } from './graphql-handler.js';
import type { ServerState } from './lifecycle.js';

export interface StartGatewayOptions {
  config: GatehouseConfig;
  /** Log here instead of standard output. */
  logger?: Logger;
  /** Write the gateway's own log lines (ISO times, redaction) here instead of standard output. */
  logStream?: DestinationStream;
  /** Serve this supergraph instead of loading the configured one. */
  supergraphSdl?: string;
  /** Follow this source instead of the configured one (a cluster worker follows its primary). */
  supergraphSource?: SupergraphSource;
  /** The registry this process runs, for `supergraph: { registry: embedded }`. */
  registry?: Registry;
  /** Where usage reports go; by default, the registry the gateway follows (none for other sources). */
  usageSink?: AssembleOptions['usageSink'];
  /** How numbers summed over workers are gathered (a cluster worker asks its primary); by default this process alone. */
  fanIn?: AssembleOptions['fanIn'];
  /** Receives every span instead of the configured exporters, when tracing is on (tests). */
  traceSpanProcessor?: AssembleOptions['traceSpanProcessor'];
  /** The traffic limiter's clock (tests); by default `Date.now`. */
  trafficClock?: AssembleOptions['trafficClock'];
  uiDir?: string;
}

export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  graphqlUrl: string;
  app: FastifyInstance;
  state(): ServerState;
  /** The served supergraph and its source's last failure, as `/ready` shows them. */
  supergraph(): SupergraphStatus;
  /** Fetches the supergraph from its source now (SIGHUP); resolves with the state after it. */
  reload(): Promise<SupergraphStatus>;
  /** Stops accepting, lets in-flight requests finish (bounded by server.shutdownTimeoutMs), then stops. */
  close(): Promise<void>;
}

/**
 * Starts the gateway the way `gatehouse serve` does. This is the composition root: the logger and
 * the shared resources are created here, the plugin list assembled once from the config and
 * installed in the HTTP edge and the GraphQL runtime, and on close everything is disposed in
 * reverse order. It listens first (so /health answers and /ready says 503), then loads the
 * supergraph, starts serving it, and follows its source: every new supergraph is validated and
 * swapped in (requests already running finish on the old one), a bad one is refused.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const owned = options.logger === undefined ? createLogger(config, options.logStream) : undefined;
  const logger = options.logger ?? (owned?.logger as Logger);
  let state: ServerState = { phase: 'starting' };
  const draining = () => state.phase === 'draining' || state.phase === 'stopped';

  let resources: OwnedResources | undefined;
  let plugins: GatewayPlugin[] = [];
  let app: FastifyInstance | undefined;
  let runtime: GraphQLRuntime | undefined;
  let live: LiveSupergraph | undefined;
  const closeAfterPlugins: (() => Promise<void>)[] = [];
  const dispose = async () => {
    await live?.close();
    await runtime?.stop();
    for (const plugin of [...plugins].reverse()) await plugin.dispose?.();
    for (const close of closeAfterPlugins) await close();
    await resources?.dispose();
    owned?.close();
  };

  let url: string;
  try {
    resources = await createResources(config, logger);
    const registry = options.registry ?? resources.registry;
    const followsConfig = options.supergraphSource === undefined && options.supergraphSdl === undefined;
    const source =
      options.supergraphSource ??
      (options.supergraphSdl === undefined
        ? createSupergraphSource(config, { registry })
        : staticSource(options.supergraphSdl));
    live = new LiveSupergraph(source, logger);
    const supergraph = live;
    const usage = options.usageSink === undefined ? usageReporting(config, registry) : undefined;
    if (usage) closeAfterPlugins.push(() => usage.close());
    const usageSink = options.usageSink ?? usage?.sink;
    plugins = [
      ...(await assemblePlugins(
        config,
        resources,
        { draining },
        {
          usageSink,
          fanIn: options.fanIn,
          supergraph: () => supergraph.status(),
          traceSpanProcessor: options.traceSpanProcessor,
          trafficClock: options.trafficClock,
        },
      )),
      useSupergraphStatus(() => supergraph.status()),
    ];
    app = await buildApp({
      config,
      logger,
      state: () => state,
      plugins,
      registry: resources.registry,
      ...(options.uiDir ? { uiDir: options.uiDir } : {}),
    });
    await app.listen({ port: config.server.port, host: config.server.host });
    url = baseUrl(app, config);
    // A cluster worker's primary has seeded already.
    if (followsConfig && resources.registry) await seedFollowedStage(config, resources.registry);
    const first = await supergraph.start();
    runtime = await startGraphQLRuntime({
      config,
      supergraphSdl: first.sdl,
      logger: app.log,
      plugins,
      http: resources.http,
      redis: resources.redis,
    });
    const served = runtime;
    supergraph.follow((next) => served.updateSupergraph(next.sdl));
  } catch (error) {
    state = { phase: 'failed', reason: error instanceof Error ? error.message : String(error) };
    await app?.close();
    await dispose();
    throw error;
  }
  state = { phase: 'serving', runtime, handle: graphqlHandler(runtime.apollo) };

  const server = app;
  const supergraph = live;
  let closing: Promise<void> | undefined;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    app: server,
    state: () => state,
    supergraph: () => supergraph.status(),
    reload: () => supergraph.reload(),
    close() {
      closing ??= (async () => {
        state = { phase: 'draining' };
        await drain(server, config.server.shutdownTimeoutMs);
        await dispose();
        state = { phase: 'stopped' };
      })();
      return closing;
    },
  };
}

function baseUrl(app: FastifyInstance, config: GatehouseConfig): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
}

async function drain(app: FastifyInstance, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([app.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    app.log.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
    app.server.closeAllConnections();
  }
}

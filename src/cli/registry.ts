import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import type { Registry } from '../registry/types.js';
import type { Store } from '../store/index.js';
import { asPortInUse } from '../server/port-in-use.js';
import { commandConfig } from './config-options.js';
import { stopOnSignals } from './output.js';

// Only the modules the registry needs are loaded, when the command runs (program.ts imports this
// file lazily too).

export interface RegistryFlags {
  config?: string;
  port?: string;
  host?: string;
  stage?: string;
}

type Phase = 'starting' | 'serving' | 'stopping';

export interface RunningRegistry {
  url: string;
  close(): Promise<void>;
}

/**
 * `gatehouse registry`: the registry on its own, for teams whose gateways follow it over HTTP. It
 * opens the configured store (SQLite or PostgreSQL, migrated on start), seeds the config's stage
 * from its `subgraphs` when that stage is empty, serves the API under `/registry/v1`, the page at
 * `/registry/`, `/health` and `/ready`, and stops cleanly on SIGTERM or SIGINT.
 */
export async function registryCommand(flags: RegistryFlags): Promise<void> {
  const config = await commandConfig(flags, 'with the store and registry.tokens');
  const port = flags.port === undefined ? config.registry.port : parsePort(flags.port);
  const host = flags.host ?? config.server.host;
  const running = await startRegistry(config, { port, host });
  stopOnSignals(() => running.close());
  const stages = config.registry.stages.join(', ');
  const { describeStore } = await import('../store/index.js');
  process.stdout.write(
    `Gatehouse registry listening on ${running.url}/registry/v1 (stages ${stages}; store ${describeStore(config.store)}; running as stage ${config.stage})\n`,
  );
  if (config.registry.tokens.length === 0) {
    process.stderr.write(
      `gatehouse: note: ${config.source} has no registry.tokens, so the registry accepts no changes\n`,
    );
  }
}

/** Opens the store, builds the registry and serves it; `close` undoes it all, in reverse order. */
export async function startRegistry(
  config: GatehouseConfig,
  listen: { port: number; host: string },
): Promise<RunningRegistry> {
  const [
    { default: Fastify, LogController },
    { openStore },
    { openRegistry },
    { seedStageFromConfig },
    { registerRegistryRoutes },
    { createLogger },
  ] = await Promise.all([
    import('fastify'),
    import('../store/index.js'),
    import('../pipeline/resources.js'),
    import('../registry/seed.js'),
    import('../server/registry-routes.js'),
    import('../pipeline/logger.js'),
  ]);
  const owned = createLogger(config);
  const { logger } = owned;
  let store: Store | undefined;
  let registry: Registry | undefined;
  let app: FastifyInstance | undefined;
  let phase: Phase = 'starting';
  const close = async () => {
    phase = 'stopping';
    try {
      await app?.close();
      await registry?.close();
      await store?.close();
    } finally {
      owned.close();
    }
  };
  try {
    store = await openStore(config.store, {
      onIdleError: (error) => logger.warn({ err: error }, 'store connection failed while idle'),
    });
    const service = openRegistry(config, store, logger);
    registry = service;
    // The config's subgraphs give its stage a first version when it has none.
    if (config.registry.stages.includes(config.stage))
      await seedStageFromConfig(service, config, config.stage);
    const server: FastifyInstance = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      return503OnClosing: true,
      // The client address of `security.ipRules.registry`, read as the gateway reads it.
      trustProxy: config.server.trustedProxies.length > 0 ? [...config.server.trustedProxies] : false,
    });
    app = server;
    const registryRule = config.security.ipRules.registry;
    if (registryRule !== undefined) {
      const { useIpRules } = await import('../security/ip-rules.js');
      const checkAddress = useIpRules({ registry: registryRule }).edge?.onRequest;
      if (checkAddress) server.addHook('onRequest', checkAddress);
    }
    await registerRegistryRoutes(server, { registry: service, config, logger });
    server.get('/health', async () => ({ status: 'ok' }));
    server.get('/ready', async (_request, reply) =>
      phase === 'serving'
        ? { status: 'ready' }
        : reply.code(503).send({ status: phase === 'starting' ? 'starting' : 'stopping' }),
    );
    const address = await server.listen({ port: listen.port, host: listen.host });
    phase = 'serving';
    return { url: address, close };
  } catch (error) {
    await close().catch(() => {});
    throw asPortInUse(error, 'stop what listens there, or pass --port or set registry.port') ?? error;
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new UserFacingError(`--port: expected a port number from 0 to 65535, got "${text}"`);
  }
  return port;
}

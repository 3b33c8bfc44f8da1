import type { Logger } from 'pino';
import { createAuthorizerClient, type AuthorizerClient } from '../auth/authorizer.js';
import type { GatehouseConfig } from '../config/load.js';
import { HttpPools } from '../execution/transport/http-pools.js';
import { createRegistry, type EmbeddedRegistry } from '../registry/service.js';
import { openStore, type Store } from '../store/index.js';
import { connectRedis, type Redis } from '../store/key-value-redis.js';

/**
 * What the plugins share, created once per gateway by {@link createResources} (the composition
 * root) and handed to the plugins that need them. No module keeps a client, a store or a
 * destination of its own.
 */
export interface GatewayResources {
  readonly logger: Logger;
  /** The gateway's own state (API keys, the registry); opened only when a feature needs it. */
  readonly store: Store | undefined;
  /** The schema registry this gateway runs itself (`registry.embedded`), on the store. */
  readonly registry: EmbeddedRegistry | undefined;
  /** The external authorizer's client, one cache for identity and `@policy` checks. */
  readonly authorizer: AuthorizerClient | undefined;
  /** Keep-alive connections to subgraphs and REST services. */
  readonly http: HttpPools;
  /** The one Redis client (`redis:`), shared by what keeps state across workers (APQ, traffic). */
  readonly redis: Redis | undefined;
}

export interface OwnedResources extends GatewayResources {
  /** Closes what was opened, in reverse order. */
  dispose(): Promise<void>;
}

export async function createResources(config: GatehouseConfig, logger: Logger): Promise<OwnedResources> {
  const disposers: (() => Promise<void> | void)[] = [];
  const dispose = async () => {
    for (const close of disposers.reverse()) await close();
  };
  try {
    let store: Store | undefined;
    if (config.auth.apiKeys !== undefined || config.registry.embedded) {
      store = await openStore(config.store, {
        onIdleError: (error) => logger.warn({ err: error }, 'a pooled store connection failed; reconnecting'),
      });
      const opened = store;
      disposers.push(() => opened.close());
    }
    const registry = store && config.registry.embedded ? openRegistry(config, store, logger) : undefined;
    if (registry) disposers.push(() => registry.close());
    const authorizer = config.auth.authorizer && createAuthorizerClient(config.auth.authorizer, logger);
    const http = new HttpPools(config.connectors.connectionsPerOrigin);
    disposers.push(() => http.close());
    const redis = config.redis && (await connectRedis(config.redis, logger));
    if (redis)
      disposers.push(async () => {
        // quit() lets commands in flight finish; a connection that is down is just dropped.
        await redis.quit().catch(() => redis.disconnect());
      });
    return { logger, store, registry, authorizer, http, redis, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The registry over an open store, with the config's stages and limits. */
export function openRegistry(config: GatehouseConfig, store: Store, logger: Logger): EmbeddedRegistry {
  return createRegistry({
    repository: store.registry,
    stages: config.registry.stages,
    usageWindowDays: config.registry.usage.windowDays,
    maxSchemaBytes: config.registry.maxSchemaBytes,
    connectors: config.connectors,
    logger,
  });
}

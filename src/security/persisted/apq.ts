import type { PersistedQueryOptions } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { SecurityConfig } from '../../config/security-schema.js';
import { gatehouseError } from '../../errors.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import { MemoryKeyValueStore, type KeyValueStore } from '../../store/key-value.js';
import { RedisKeyValueStore, type Redis } from '../../store/key-value-redis.js';

/** What the APQ cache logs with (Fastify's and pino's loggers both fit). */
export interface WarnLogger {
  warn(details: object, message: string): void;
}

/** At most one warning a minute about a failing store; a Redis outage would otherwise log per request. */
const WARN_INTERVAL_MS = 60_000;

/**
 * Apollo Server's `persistedQueries` option: off, or Apollo's own APQ protocol (it checks that the
 * hash is the SHA-256 of the query and answers PERSISTED_QUERY_NOT_FOUND) over the configured store.
 * A query is at most `server.bodyLimitBytes` long, the body limit having been applied before Apollo
 * sees it; the memory store also bounds the total (`maxBytes`), Redis by the TTL and its `maxmemory`.
 */
export function persistedQueryOptions(
  apq: SecurityConfig['apq'],
  redis: { client: Redis | undefined; keyPrefix: string },
  logger: WarnLogger,
): PersistedQueryOptions | false {
  if (!apq.enabled) return false;
  let store: KeyValueStore;
  if (apq.store === 'redis') {
    // The config loader refuses `store: redis` without a `redis:` block, which opens the client.
    if (redis.client === undefined)
      throw new Error('security.apq.store is redis but no Redis client is open');
    store = new RedisKeyValueStore(redis.client, redis.keyPrefix);
  } else {
    store = new MemoryKeyValueStore({ maxBytes: apq.maxBytes });
  }
  return { cache: new ErrorsAreMisses(store, logger), ttl: apq.ttlSeconds > 0 ? apq.ttlSeconds : null };
}

/**
 * Apollo's KeyValueCache over a store, where a failing store never grants anything: a lookup that
 * fails is a miss (the client gets PERSISTED_QUERY_NOT_FOUND and sends the full query), a failed
 * registration is dropped. Apollo would otherwise answer a failed lookup with a 500.
 */
class ErrorsAreMisses {
  private lastWarnedAt = -Infinity;
  private failuresSinceWarning = 0;

  constructor(
    private readonly store: KeyValueStore,
    private readonly logger: WarnLogger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return await this.store.get(key);
    } catch (error) {
      this.failed('look up', error);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    try {
      await this.store.set(key, value, options?.ttl ?? 0);
    } catch (error) {
      this.failed('register', error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.store.delete(key);
    } catch (error) {
      this.failed('delete', error);
    }
  }

  private failed(action: string, error: unknown): void {
    this.failuresSinceWarning += 1;
    const now = Date.now();
    if (now - this.lastWarnedAt < WARN_INTERVAL_MS) return;
    this.logger.warn(
      { err: error, failures: this.failuresSinceWarning },
      `apq: could not ${action} a persisted query in the ${this.store.description} store; treated as not found`,
    );
    this.lastWarnedAt = now;
    this.failuresSinceWarning = 0;
  }
}

/** Apollo's wording for a hash that is not the query's; the only error it sends with that text. */
const APOLLO_HASH_MISMATCH = 'provided sha does not match query';

/**
 * Gives Apollo's APQ hash check the gateway's own code: a client that sends a query with a hash that
 * is not its SHA-256 gets 400 PERSISTED_QUERY_HASH_MISMATCH instead of an error with no code (which
 * the error formatter would turn into a 500-worded INTERNAL_SERVER_ERROR). The error is swapped in
 * `didEncounterErrors`, which Apollo calls with the very list it then formats.
 */
export function useApqHashCheck(): GatewayPlugin {
  return {
    name: 'apq',
    operation: {
      async requestDidStart({ request }) {
        // Only a query sent with a hash can mismatch; every other request costs this one test.
        if (request.query === undefined || request.extensions?.persistedQuery === undefined) return;
        return {
          async didEncounterErrors({ errors }) {
            const list = errors as GraphQLError[];
            const at = list.findIndex((error) => error.message === APOLLO_HASH_MISMATCH);
            if (at < 0) return;
            list[at] = gatehouseError(
              'PERSISTED_QUERY_HASH_MISMATCH',
              'The persisted query hash (extensions.persistedQuery.sha256Hash) is not the SHA-256 of the query sent with it.',
              { http: { status: 400 } },
            );
          },
        };
      },
    },
  };
}

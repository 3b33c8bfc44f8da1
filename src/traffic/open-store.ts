import type { TrafficConfig } from '../config/traffic-schema.js';
import type { Redis } from '../store/key-value-redis.js';
import { createMemoryTrafficStore } from './store/memory.js';
import { createRedisTrafficStore } from './store/redis.js';
import type { TrafficStore } from './store/types.js';

/** What the store is opened on: the gateway's shared Redis client and its key prefix, if any. */
export interface TrafficStoreResources {
  /** `resources.redis`: the one client the gateway shares (never closed by the store). */
  redis: Redis | undefined;
  /** `redis.keyPrefix`; the traffic keys go under `<keyPrefix>traffic:`. */
  keyPrefix: string | undefined;
}

/** The configured store: counters in this process, or in the shared Redis server. */
export function openTrafficStore(traffic: TrafficConfig, resources: TrafficStoreResources): TrafficStore {
  switch (traffic.store) {
    case 'memory':
      return createMemoryTrafficStore({ maxKeys: traffic.memory.maxKeys });
    case 'redis':
      // The config check refuses `store: redis` without a `redis:` block; this is its last guard.
      if (resources.redis === undefined)
        throw new Error('traffic.store is redis, but no redis: is configured');
      return createRedisTrafficStore(resources.redis, `${resources.keyPrefix ?? ''}traffic:`);
    default: {
      const never: never = traffic.store;
      throw new Error(`unknown traffic store ${String(never)}`);
    }
  }
}

import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { UserFacingError } from '../errors.js';
import type { KeyValueStore } from './key-value.js';

export type { Redis } from 'ioredis';

export interface RedisSettings {
  /** `redis://` or `rediss://`, with credentials and database when needed. */
  url: string;
  /** The gateway's key prefix; the connection is named after it (`CLIENT LIST` shows `gatehouse`). */
  keyPrefix?: string | undefined;
}

/** A command waits this long at most: a Redis that hangs must not hold requests. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * Opens the gateway's one Redis connection and waits until it is ready, so that a wrong URL or a
 * server that is down fails the start with a message naming the server. Afterwards a lost connection
 * is retried in the background; meanwhile commands fail at once (no offline queue) rather than
 * waiting, and what relies on them treats a failure as a miss.
 */
export async function connectRedis(settings: RedisSettings, logger: Logger): Promise<Redis> {
  const where = redactedUrl(settings.url);
  const client = new Redis(settings.url, {
    lazyConnect: true,
    connectionName: connectionName(settings.keyPrefix),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Without a listener ioredis prints every failed reconnect to stderr; one warning per outage is enough.
  let healthy = false;
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
    if (!healthy) return;
    healthy = false;
    logger.warn({ err: error }, `redis: lost the connection to ${where}; reconnecting`);
  });
  client.on('ready', () => {
    if (!healthy) logger.info(`redis: connected to ${where}`);
    healthy = true;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new UserFacingError(`Cannot connect to Redis at ${where}: ${describe(lastError ?? error)}`, [
      'check `redis.url` and that the server is running',
    ]);
  }
  return client;
}

/** Strings in Redis under `prefix + key`, so several gateways (or tests) can share one server. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly description: string;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {
    this.description = `redis ${redactedUrl(urlOf(client))}`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds = 0): Promise<void> {
    if (ttlSeconds > 0) await this.client.set(this.prefix + key, value, 'EX', ttlSeconds);
    else await this.client.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
}

/** `gatehouse:` gives `gatehouse`: what an operator reading `CLIENT LIST` knows the gateway by. */
function connectionName(keyPrefix: string | undefined): string {
  const name = (keyPrefix ?? '').replace(/[^\w:.@-]/g, '').replace(/:+$/, '');
  return name.length > 0 ? name.slice(0, 100) : 'gatehouse';
}

/** The URL without its password, for logs and errors. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

function urlOf(client: Redis): string {
  const { host, port, db } = client.options;
  return `redis://${host ?? 'localhost'}:${port ?? 6379}/${db ?? 0}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
}

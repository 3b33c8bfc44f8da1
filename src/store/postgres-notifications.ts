import pg from 'pg';
import { REGISTRY_CHANNEL } from './registry-locks.js';

export interface RegistryNotificationsOptions {
  url: string;
  /** The schema the store writes in (`current_schema()` of its pool): only its notifications count. */
  schema: () => Promise<string>;
  onError?: ((error: Error) => void) | undefined;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * LISTEN on the registry's channel, on one dedicated connection (a pooled one would be handed to
 * queries and lose the LISTEN). Opened with the first listener, closed with the last or the store;
 * a lost connection is opened again with backoff. Notifications sent while it was down are lost,
 * which is why followers also poll.
 */
export class RegistryNotifications {
  private readonly listeners = new Set<(stage: string) => void>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  private closed = false;
  private schemaName: string | undefined;

  constructor(private readonly options: RegistryNotificationsOptions) {}

  async subscribe(listener: (stage: string) => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('the store is closed');
    this.listeners.add(listener);
    await this.ensureConnected();
    return async () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) await this.disconnect();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect();
  }

  private ensureConnected(): Promise<void> {
    if (this.client !== undefined || this.closed || this.listeners.size === 0) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    try {
      this.schemaName ??= await this.options.schema();
      const client = new pg.Client({
        connectionString: this.options.url,
        connectionTimeoutMillis: 5_000,
        // Names the connection in pg_stat_activity (PostgreSQL keeps the first 63 bytes).
        application_name: `gatehouse-listen:${this.schemaName}`,
      });
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client));
      client.on('notification', (message) => this.deliver(message));
      await client.connect();
      await client.query(`listen ${REGISTRY_CHANNEL}`);
      if (this.closed || this.listeners.size === 0) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.retryMs = RETRY_MIN_MS;
    } catch (error) {
      this.options.onError?.(error as Error);
      this.scheduleRetry();
    }
  }

  private deliver(message: pg.Notification): void {
    const prefix = `${this.schemaName}:`;
    if (message.channel !== REGISTRY_CHANNEL || !message.payload?.startsWith(prefix)) return;
    const stage = message.payload.slice(prefix.length);
    for (const listener of this.listeners) listener(stage);
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (error !== undefined) this.options.onError?.(error);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.listeners.size === 0 || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.ensureConnected();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private async disconnect(): Promise<void> {
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

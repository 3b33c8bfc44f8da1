/**
 * Small shared state of the request pipeline (persisted queries now; rate-limit counters and cached
 * responses can follow): strings under string keys, each with an optional time to live. Two
 * implementations pass the same tests: {@link MemoryKeyValueStore}, per process and bounded in bytes,
 * and `RedisKeyValueStore` (key-value-redis.ts), shared by every worker and replica.
 */
export interface KeyValueStore {
  /** Names the store in logs (`memory`, `redis redis://cache:6379/0`). */
  readonly description: string;
  get(key: string): Promise<string | undefined>;
  /** Keeps `value` under `key`; `ttlSeconds` of 0 or absent keeps it until evicted or deleted. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface MemoryKeyValueStoreOptions {
  /** The most bytes kept, keys and values together (UTF-8); the least recently used go first. */
  maxBytes: number;
  /** The clock TTLs are measured with (tests give their own). */
  now?: () => number;
}

interface MemoryEntry {
  readonly value: string;
  readonly bytes: number;
  /** Milliseconds since the epoch; Infinity when it has no TTL. */
  readonly expiresAt: number;
}

/**
 * A process-local store bounded by the bytes of what it holds, least recently used first out. It is
 * the store layer's own LRU (a Map in use order) rather than execution/lru-cache.ts, because the store
 * imports nothing above it. An entry larger than the whole bound is not kept.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly description = 'memory';
  readonly maxBytes: number;
  private readonly entries = new Map<string, MemoryEntry>();
  private used = 0;
  private readonly now: () => number;

  constructor(options: MemoryKeyValueStoreOptions) {
    this.maxBytes = options.maxBytes;
    this.now = options.now ?? Date.now;
  }

  get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return Promise.resolve(undefined);
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.used -= entry.bytes;
      return Promise.resolve(undefined);
    }
    this.entries.set(key, entry);
    return Promise.resolve(entry.value);
  }

  set(key: string, value: string, ttlSeconds = 0): Promise<void> {
    this.remove(key);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
    if (bytes > this.maxBytes) return Promise.resolve();
    while (this.used + bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    const expiresAt = ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : Infinity;
    this.entries.set(key, { value, bytes, expiresAt });
    this.used += bytes;
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.remove(key);
    return Promise.resolve();
  }

  /** Bytes held now, keys and values (expired entries count until they are next read or evicted). */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}

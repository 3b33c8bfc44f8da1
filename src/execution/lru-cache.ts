export interface LruCacheLimits {
  /** The most estimated bytes the cache holds, all entries together. */
  maxBytes: number;
  /** An entry estimated above this is not kept at all. Defaults to `maxBytes`. */
  maxEntryBytes?: number | undefined;
}

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
}

/**
 * A least-recently-used cache bounded by the estimated bytes of its entries, not by their number:
 * one entry may weigh a million times another (the plan of a 100 KB operation against that of
 * `{ me { id } }`). It is a Map, whose iteration order is insertion order; a hit moves the entry to
 * the most recent end, which costs a lookup, a delete and an insert whatever the cache holds.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private used = 0;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;

  constructor(limits: LruCacheLimits) {
    this.maxBytes = limits.maxBytes;
    this.maxEntryBytes = Math.min(limits.maxEntryBytes ?? limits.maxBytes, limits.maxBytes);
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Keeps `value` under `key`, evicting the least recently used entries until it fits; returns false,
   * keeping nothing under `key`, when `bytes` is above the entry limit.
   */
  set(key: K, value: V, bytes: number): boolean {
    this.delete(key);
    if (!(bytes <= this.maxEntryBytes)) return false;
    while (this.used + bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    return true;
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    this.used -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes of all entries. */
  get bytes(): number {
    return this.used;
  }
}

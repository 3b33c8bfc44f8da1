/**
 * A bounded map whose entries expire. Insertion order doubles as recency: a hit moves the entry to
 * the end, and when full the oldest entry goes first. It is bounded by entries and, for values whose
 * size the caller knows, by bytes: an entry larger than the whole budget is not kept. No timers,
 * expired entries are dropped when met.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number; bytes: number }>();
  #bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    readonly maxBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `ttlMs`; `bytes` is what it (and its key) cost, counted against `maxBytes`. */
  set(key: string, value: V, ttlMs: number = this.ttlMs, bytes = 0): void {
    this.delete(key);
    if (ttlMs <= 0 || this.maxEntries <= 0 || bytes > this.maxBytes) return;
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The bytes of the entries kept, as their `set` calls counted them. */
  get bytes(): number {
    return this.#bytes;
  }
}

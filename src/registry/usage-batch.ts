import type { UsageRecord } from '../store/registry.js';

/** What is counted: one operation (its signature hash) from one client version. */
export interface UsageSighting {
  operationHash: string;
  operationName: string;
  clientName: string;
  clientVersion: string;
  coordinates: readonly string[];
}

interface Tally {
  sighting: UsageSighting;
  count: number;
  lastSeen: number;
}

/** What {@link UsageBatch.take} hands over: the records, and how many sightings did not fit. */
export interface TakenBatch {
  records: UsageRecord[];
  dropped: number;
}

/**
 * Counts operations in memory between flushes, keyed by (hash, client name, client version). The
 * number of keys is bounded: a sighting of a new key beyond `maxKeys` is dropped and counted as
 * such, so a flood of distinct operations or client names costs bounded memory.
 */
export class UsageBatch {
  private tallies = new Map<string, Tally>();
  private dropped = 0;

  constructor(
    private readonly stage: string,
    private readonly maxKeys: number,
  ) {}

  add(sighting: UsageSighting, now = Date.now()): void {
    // Neither a hex hash nor a header value holds a newline (header values cannot).
    const key = `${sighting.operationHash}\n${sighting.clientName}\n${sighting.clientVersion}`;
    const tally = this.tallies.get(key);
    if (tally !== undefined) {
      tally.count += 1;
      tally.lastSeen = now;
    } else if (this.tallies.size < this.maxKeys) {
      this.tallies.set(key, { sighting, count: 1, lastSeen: now });
    } else {
      this.dropped += 1;
    }
  }

  get size(): number {
    return this.tallies.size;
  }

  /** The counts so far, as records; the batch starts again empty. */
  take(): TakenBatch {
    const records = [...this.tallies.values()].map(({ sighting, count, lastSeen }): UsageRecord => ({
      stage: this.stage,
      ...sighting,
      count,
      seenAt: new Date(lastSeen),
    }));
    const taken = { records, dropped: this.dropped };
    this.tallies = new Map();
    this.dropped = 0;
    return taken;
  }
}

import { addDense, emptyHistogram, latencyBin, toSparse } from './latency.js';
import type { BreakerPhase, SparseStat, WorkerSnapshot } from './types.js';

/** The dashboard's resolution for the requests: one bucket per 5 seconds, 720 of them for the hour. */
export const BUCKET_MS = 5_000;
export const WINDOW_MS = 3_600_000;
const WINDOW_BUCKETS = WINDOW_MS / BUCKET_MS;
/**
 * Subgraphs and operations are kept per minute: 60 tables rather than 720. A graph of 30
 * subgraphs, all called every few seconds, would otherwise keep (and send on every poll) 21,600
 * histograms; a subgraph's latency over an hour reads as well by the minute.
 */
export const MINUTE_MS = 60_000;
const WINDOW_MINUTES = WINDOW_MS / MINUTE_MS;

/** What bounds the memory of one worker's ring, whatever clients send. */
export interface DashboardLimits {
  /** Subgraphs kept by name in each minute; more count as `other` (the supergraph bounds them anyway). */
  subgraphsPerMinute: number;
  /** Refusal reasons (plugin and code) kept in each bucket; more count as `other`. */
  refusalsPerBucket: number;
  /** Operations kept by name in each minute: the busiest ones; the rest are merged into `other`. */
  operationsPerMinute: number;
  /** Operations a snapshot names over the hour: the busiest ones; the rest are merged into `other`. */
  operationsPerSnapshot: number;
  /** Longer operation names are cut here (they are the client's to choose). */
  maxNameLength: number;
}

export const DEFAULT_DASHBOARD_LIMITS: DashboardLimits = {
  subgraphsPerMinute: 64,
  refusalsPerBucket: 32,
  operationsPerMinute: 50,
  operationsPerSnapshot: 100,
  maxNameLength: 120,
};

/** The label of what is counted together once a table is full. */
export const OTHER = 'other';

/** What the dashboard keeps of one GraphQL request, read from its observation after the response. */
export interface RequestSample {
  durationMs: number;
  /** Answered with an error: an error status or any error in the body. */
  error: boolean;
  operation: string;
  subgraphCalls: readonly {
    subgraph: string;
    durationMs: number;
    errorCode?: string | undefined;
    deduplicated?: boolean | undefined;
  }[];
  refusal?: { plugin: string; code: string } | undefined;
}

class Stat {
  count = 0;
  errors = 0;
  readonly latency = emptyHistogram();

  add(durationMs: number, error: boolean): void {
    this.count++;
    if (error) this.errors++;
    const bin = latencyBin(durationMs);
    this.latency[bin] = (this.latency[bin] ?? 0) + 1;
  }

  merge(other: Stat): void {
    this.count += other.count;
    this.errors += other.errors;
    addDense(this.latency, other.latency);
  }

  sparse(): SparseStat {
    return { count: this.count, errors: this.errors, latency: toSparse(this.latency) };
  }
}

/**
 * Stats by name, at most `limit` names besides {@link OTHER}. A full table either counts a new name
 * as `other` (`trim` off: the first names stay, fine for subgraphs, which the supergraph bounds), or
 * keeps growing to twice its limit and then keeps only its `limit` busiest names, merging the rest
 * into `other` (`trim` on: a busy operation keeps its name even after a flood of one-off names).
 */
class StatTable {
  readonly stats = new Map<string, Stat>();

  constructor(
    private readonly limit: number,
    private readonly trim: boolean,
  ) {}

  get(name: string): Stat {
    let stat = this.stats.get(name);
    if (stat !== undefined) return stat;
    const named = this.stats.size - (this.stats.has(OTHER) ? 1 : 0);
    if (named >= (this.trim ? this.limit * 2 : this.limit)) {
      if (!this.trim) return this.other();
      this.keepBusiest(this.limit);
    }
    stat = new Stat();
    this.stats.set(name, stat);
    return stat;
  }

  /** Keeps the `limit` busiest names, and `other` with the rest merged into it. */
  keepBusiest(limit: number): void {
    const named = [...this.stats].filter(([name]) => name !== OTHER);
    if (named.length <= limit) return;
    named.sort(([nameA, a], [nameB, b]) => b.count - a.count || (nameA < nameB ? -1 : 1));
    const other = this.other();
    for (const [name, stat] of named.slice(limit)) {
      other.merge(stat);
      this.stats.delete(name);
    }
  }

  private other(): Stat {
    let other = this.stats.get(OTHER);
    if (other === undefined) {
      other = new Stat();
      this.stats.set(OTHER, other);
    }
    return other;
  }
}

class SecondsBucket {
  readonly requests = new Stat();
  /** Refusals by `plugin NUL code`. */
  readonly refusals = new Map<string, { plugin: string; code: string; count: number }>();

  constructor(
    readonly id: number,
    private readonly limits: DashboardLimits,
  ) {}

  refused(plugin: string, code: string): void {
    let key = `${plugin}\u0000${code}`;
    if (!this.refusals.has(key) && this.refusals.size >= this.limits.refusalsPerBucket) {
      key = OTHER;
      plugin = OTHER;
      code = OTHER;
    }
    const entry = this.refusals.get(key);
    if (entry === undefined) this.refusals.set(key, { plugin, code, count: 1 });
    else entry.count++;
  }
}

class MinuteBucket {
  readonly operations: StatTable;
  readonly subgraphs: StatTable;

  constructor(
    readonly id: number,
    limits: DashboardLimits,
  ) {
    this.operations = new StatTable(limits.operationsPerMinute, true);
    this.subgraphs = new StatTable(limits.subgraphsPerMinute, false);
  }
}

/**
 * One worker's last hour of GraphQL traffic, in fixed time buckets aligned to the epoch (so that
 * every worker's bucket `id` covers the same 5 seconds and they merge by adding). Old buckets are
 * overwritten in place: memory is bounded by the window and {@link DashboardLimits}, whatever the
 * traffic. Not shared between processes; `snapshot()` is what crosses to the others.
 */
export class DashboardRing {
  private readonly seconds: (SecondsBucket | undefined)[] = new Array(WINDOW_BUCKETS);
  private readonly minutes: (MinuteBucket | undefined)[] = new Array(WINDOW_MINUTES);

  constructor(private readonly limits: DashboardLimits = DEFAULT_DASHBOARD_LIMITS) {}

  record(sample: RequestSample, nowMs: number): void {
    const bucket = this.secondsBucket(Math.floor(nowMs / BUCKET_MS));
    bucket.requests.add(sample.durationMs, sample.error);
    if (sample.refusal !== undefined) bucket.refused(sample.refusal.plugin, sample.refusal.code);
    const minute = this.minuteBucket(Math.floor(nowMs / MINUTE_MS));
    minute.operations
      .get(sample.operation.slice(0, this.limits.maxNameLength))
      .add(sample.durationMs, sample.error);
    for (const call of sample.subgraphCalls) {
      // A shared answer is not a call to the subgraph: its caller's record counts it.
      if (call.deduplicated === true) continue;
      minute.subgraphs.get(call.subgraph).add(call.durationMs, call.errorCode !== undefined);
    }
  }

  /** The last hour as plain JSON, with the breakers' phases as this worker sees them. */
  snapshot(
    nowMs: number,
    breakers: readonly { subgraph: string; phase: BreakerPhase }[] = [],
  ): WorkerSnapshot {
    const current = Math.floor(nowMs / BUCKET_MS);
    const buckets: WorkerSnapshot['buckets'] = [];
    for (const bucket of this.seconds) {
      if (bucket === undefined || bucket.id > current || bucket.id <= current - WINDOW_BUCKETS) continue;
      buckets.push({
        id: bucket.id,
        requests: bucket.requests.sparse(),
        refusals: [...bucket.refusals.values()].map((entry) => ({ ...entry })),
      });
    }
    buckets.sort((a, b) => a.id - b.id);

    const currentMinute = Math.floor(nowMs / MINUTE_MS);
    const minutes: WorkerSnapshot['minutes'] = [];
    // Every minute's names first (at most 60 × operationsPerMinute), then the busiest of the hour.
    const hour = new StatTable(Number.POSITIVE_INFINITY, false);
    for (const minute of this.minutes) {
      if (minute === undefined || minute.id > currentMinute || minute.id <= currentMinute - WINDOW_MINUTES)
        continue;
      for (const [name, stat] of minute.operations.stats) hour.get(name).merge(stat);
      if (minute.subgraphs.stats.size > 0) {
        minutes.push({
          id: minute.id,
          subgraphs: [...minute.subgraphs.stats].map(([name, stat]) => ({ name, ...stat.sparse() })),
        });
      }
    }
    minutes.sort((a, b) => a.id - b.id);
    hour.keepBusiest(this.limits.operationsPerSnapshot);
    const operations = [...hour.stats].map(([name, stat]) => ({ name, ...stat.sparse() }));
    return {
      version: 2,
      bucketMs: BUCKET_MS,
      minuteMs: MINUTE_MS,
      now: nowMs,
      buckets,
      minutes,
      operations,
      breakers: [...breakers],
    };
  }

  private secondsBucket(id: number): SecondsBucket {
    const slot = id % WINDOW_BUCKETS;
    let bucket = this.seconds[slot];
    if (bucket?.id !== id) {
      bucket = new SecondsBucket(id, this.limits);
      this.seconds[slot] = bucket;
    }
    return bucket;
  }

  private minuteBucket(id: number): MinuteBucket {
    const slot = id % WINDOW_MINUTES;
    let bucket = this.minutes[slot];
    if (bucket?.id !== id) {
      bucket = new MinuteBucket(id, this.limits);
      this.minutes[slot] = bucket;
    }
    return bucket;
  }
}

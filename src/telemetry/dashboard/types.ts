import type { SparseHistogram } from './latency.js';

/** A circuit breaker's phase, as the dashboard shows it. */
export type BreakerPhase = 'closed' | 'open' | 'half-open';

/** Counts, errors and latencies of one thing (all requests, an operation, a subgraph) over some time. */
export interface SparseStat {
  count: number;
  errors: number;
  latency: SparseHistogram;
}

/** One worker's last hour, as it answers `fanIn.gather('dashboard')`. Plain JSON: it crosses IPC. */
export interface WorkerSnapshot {
  version: 2;
  bucketMs: number;
  minuteMs: number;
  /** The worker's clock when it answered (epoch milliseconds). */
  now: number;
  /** The non-empty buckets of the last hour; `id` is the bucket's start divided by `bucketMs`. */
  buckets: {
    id: number;
    requests: SparseStat;
    refusals: { plugin: string; code: string; count: number }[];
  }[];
  /** The subgraph calls of each minute of the last hour that had any; `id` as for buckets, by `minuteMs`. */
  minutes: { id: number; subgraphs: ({ name: string } & SparseStat)[] }[];
  /** Each operation over the last hour (the most used ones by name, the rest as `other`). */
  operations: ({ name: string } & SparseStat)[];
  /** Each subgraph breaker's phase in this worker. */
  breakers: { subgraph: string; phase: BreakerPhase }[];
}

/** A latency figure in milliseconds, or null where there was no sample. */
export type Millis = number | null;

/** One row of the operations tables. */
export interface OperationRow {
  name: string;
  count: number;
  errors: number;
  p50: Millis;
  p95: Millis;
  p99: Millis;
}

/** One subgraph: its calls over the hour, per minute, and its breakers. */
export interface SubgraphRow {
  name: string;
  calls: number;
  errors: number;
  p50: Millis;
  p95: Millis;
  p99: Millis;
  /** How many workers have this subgraph's breaker in each phase; null when no breaker guards it. */
  breakers: { closed: number; open: number; halfOpen: number } | null;
  /** One point per minute of the hour (`series.minuteTime`). */
  series: { calls: number[]; errors: number[]; p95: Millis[] };
}

/** What `GET /admin/api/stats` answers: the last hour of every worker, merged. */
export interface DashboardStats {
  /** Epoch milliseconds when the figures were gathered. */
  generatedAt: number;
  bucketSeconds: number;
  windowSeconds: number;
  /** How many workers answered. */
  workers: number;
  totals: { requests: number; errors: number; p50: Millis; p95: Millis; p99: Millis };
  /** One point per bucket of the hour, oldest first; `time` is each bucket's start in epoch seconds. */
  series: {
    time: number[];
    requestsPerSecond: number[];
    /** Share of requests answered with an error (0 to 1); null where there were no requests. */
    errorRate: (number | null)[];
    p50: Millis[];
    p95: Millis[];
    p99: Millis[];
    /** Requests refused by a plugin, per bucket. */
    refusals: number[];
    /** Each minute's start in epoch seconds, oldest first: the time axis of the subgraph series. */
    minuteTime: number[];
  };
  operations: { byCount: OperationRow[]; byP95: OperationRow[] };
  subgraphs: SubgraphRow[];
  refusals: { total: number; byReason: { plugin: string; code: string; count: number }[] };
}

import { addSparse, LATENCY_BIN_COUNT, latencyPercentile } from './latency.js';
import { BUCKET_MS, MINUTE_MS, OTHER, WINDOW_MS } from './ring.js';
import type {
  BreakerPhase,
  DashboardStats,
  Millis,
  OperationRow,
  SubgraphRow,
  WorkerSnapshot,
} from './types.js';

const WINDOW_BUCKETS = WINDOW_MS / BUCKET_MS;
const WINDOW_MINUTES = WINDOW_MS / MINUTE_MS;
/** Rows in each operations table. */
const TOP_OPERATIONS = 10;

/** Counts and a dense histogram, summed over workers and buckets. */
class Sum {
  count = 0;
  errors = 0;
  readonly latency = new Float64Array(LATENCY_BIN_COUNT);

  add(stat: unknown): void {
    if (!isRecord(stat)) return;
    this.count += finite(stat['count']);
    this.errors += finite(stat['errors']);
    if (Array.isArray(stat['latency'])) addSparse(this.latency, stat['latency']);
  }

  percentile(q: number): Millis {
    const value = latencyPercentile(this.latency, q);
    return value === undefined ? null : round(value);
  }
}

/**
 * One bucket's counts, with its histograms kept as they came (sparse): each is read once, so they
 * are added up only then, in a scratch histogram.
 */
class BucketSum {
  count = 0;
  errors = 0;
  readonly latencies: unknown[][] = [];

  add(stat: unknown): void {
    if (!isRecord(stat)) return;
    this.count += finite(stat['count']);
    this.errors += finite(stat['errors']);
    if (Array.isArray(stat['latency'])) this.latencies.push(stat['latency']);
  }

  /** The bucket's percentiles, in the order of `qs`. */
  percentiles(scratch: Float64Array, qs: readonly number[]): Millis[] {
    scratch.fill(0);
    for (const latency of this.latencies) addSparse(scratch, latency);
    return qs.map((q) => {
      const value = latencyPercentile(scratch, q);
      return value === undefined ? null : round(value);
    });
  }
}

/** A subgraph's sums over the hour and per minute. */
class SubgraphSum extends Sum {
  readonly perMinute = new Map<number, BucketSum>();
  breakers: { closed: number; open: number; halfOpen: number } | null = null;
}

/**
 * Merges every worker's snapshot (as `fanIn.gather('dashboard')` returns them) into what the
 * dashboard draws: the hour in buckets ending with the current one, per-subgraph series by the
 * minute, and the
 * operations ranked by count and by p95. Histograms are added bin by bin, so every percentile is
 * that of all the workers' requests together. Answers that are not snapshots are left out.
 */
export function mergeSnapshots(answers: readonly unknown[], nowMs: number): DashboardStats {
  const snapshots = answers.filter(isWorkerSnapshot);
  const current = Math.floor(nowMs / BUCKET_MS);
  const first = current - WINDOW_BUCKETS + 1;
  const firstMinute = Math.floor(nowMs / MINUTE_MS) - WINDOW_MINUTES + 1;

  const requests = new Map<number, BucketSum>();
  const refusalsPerBucket = new Array<number>(WINDOW_BUCKETS).fill(0);
  const total = new Sum();
  const subgraphs = new Map<string, SubgraphSum>();
  const refusals = new Map<string, { plugin: string; code: string; count: number }>();
  const operations = new Map<string, Sum>();
  const subgraphSum = (name: string) => getOrAdd(subgraphs, name, () => new SubgraphSum());

  for (const snapshot of snapshots) {
    for (const bucket of snapshot.buckets) {
      if (!isRecord(bucket) || !Number.isInteger(bucket.id)) continue;
      const index = bucket.id - first;
      if (index < 0 || index >= WINDOW_BUCKETS) continue;
      getOrAdd(requests, index, () => new BucketSum()).add(bucket.requests);
      total.add(bucket.requests);
      for (const refusal of arrayOf(bucket.refusals)) {
        if (!isRecord(refusal)) continue;
        const { plugin, code } = refusal;
        const count = finite(refusal['count']);
        if (typeof plugin !== 'string' || typeof code !== 'string') continue;
        refusalsPerBucket[index] = (refusalsPerBucket[index] ?? 0) + count;
        getOrAdd(refusals, `${plugin}\u0000${code}`, () => ({ plugin, code, count: 0 })).count += count;
      }
    }
    for (const minute of snapshot.minutes) {
      if (!isRecord(minute) || !Number.isInteger(minute.id)) continue;
      const index = minute.id - firstMinute;
      if (index < 0 || index >= WINDOW_MINUTES) continue;
      for (const call of arrayOf(minute.subgraphs)) {
        if (!isRecord(call) || typeof call['name'] !== 'string') continue;
        const sum = subgraphSum(call['name']);
        sum.add(call);
        getOrAdd(sum.perMinute, index, () => new BucketSum()).add(call);
      }
    }
    for (const operation of arrayOf(snapshot.operations)) {
      if (!isRecord(operation) || typeof operation['name'] !== 'string') continue;
      getOrAdd(operations, operation['name'], () => new Sum()).add(operation);
    }
    for (const breaker of arrayOf(snapshot.breakers)) {
      if (!isRecord(breaker) || typeof breaker['subgraph'] !== 'string') continue;
      const sum = subgraphSum(breaker['subgraph']);
      sum.breakers ??= { closed: 0, open: 0, halfOpen: 0 };
      const phase = breaker['phase'] as BreakerPhase;
      if (phase === 'open') sum.breakers.open++;
      else if (phase === 'half-open') sum.breakers.halfOpen++;
      else sum.breakers.closed++;
    }
  }

  const time: number[] = [];
  const requestsPerSecond: number[] = [];
  const errorRate: (number | null)[] = [];
  const p50: Millis[] = [];
  const p95: Millis[] = [];
  const p99: Millis[] = [];
  const scratch = new Float64Array(LATENCY_BIN_COUNT);
  for (let index = 0; index < WINDOW_BUCKETS; index++) {
    const start = (first + index) * BUCKET_MS;
    time.push(start / 1000);
    // The current bucket has run only part of its 5 seconds.
    const seconds = Math.max(1, Math.min(BUCKET_MS, nowMs - start)) / 1000;
    const sum = requests.get(index);
    requestsPerSecond.push(round((sum?.count ?? 0) / seconds));
    errorRate.push(sum === undefined || sum.count === 0 ? null : round(sum.errors / sum.count));
    const [median = null, high = null, highest = null] = sum?.percentiles(scratch, [0.5, 0.95, 0.99]) ?? [];
    p50.push(median);
    p95.push(high);
    p99.push(highest);
  }

  const operationRows: OperationRow[] = [...operations].map(([name, sum]) => ({
    name,
    count: sum.count,
    errors: sum.errors,
    p50: sum.percentile(0.5),
    p95: sum.percentile(0.95),
    p99: sum.percentile(0.99),
  }));
  const byCount = [...operationRows]
    .sort((a, b) => b.count - a.count || compareNames(a.name, b.name))
    .slice(0, TOP_OPERATIONS);
  const byP95 = operationRows
    .filter((row) => row.name !== OTHER && row.p95 !== null)
    .sort((a, b) => (b.p95 ?? 0) - (a.p95 ?? 0) || compareNames(a.name, b.name))
    .slice(0, TOP_OPERATIONS);

  const subgraphRows: SubgraphRow[] = [...subgraphs]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, sum]) => {
      const calls: number[] = [];
      const errors: number[] = [];
      const latency: Millis[] = [];
      for (let index = 0; index < WINDOW_MINUTES; index++) {
        const bucket = sum.perMinute.get(index);
        calls.push(bucket?.count ?? 0);
        errors.push(bucket?.errors ?? 0);
        latency.push(bucket?.percentiles(scratch, [0.95])[0] ?? null);
      }
      return {
        name,
        calls: sum.count,
        errors: sum.errors,
        p50: sum.percentile(0.5),
        p95: sum.percentile(0.95),
        p99: sum.percentile(0.99),
        breakers: sum.breakers,
        series: { calls, errors, p95: latency },
      };
    });

  const byReason = [...refusals.values()].sort(
    (a, b) => b.count - a.count || compareNames(`${a.plugin} ${a.code}`, `${b.plugin} ${b.code}`),
  );
  return {
    generatedAt: nowMs,
    bucketSeconds: BUCKET_MS / 1000,
    windowSeconds: WINDOW_MS / 1000,
    workers: snapshots.length,
    totals: {
      requests: total.count,
      errors: total.errors,
      p50: total.percentile(0.5),
      p95: total.percentile(0.95),
      p99: total.percentile(0.99),
    },
    series: {
      time,
      requestsPerSecond,
      errorRate,
      p50,
      p95,
      p99,
      refusals: refusalsPerBucket,
      minuteTime: Array.from(
        { length: WINDOW_MINUTES },
        (_, index) => ((firstMinute + index) * MINUTE_MS) / 1000,
      ),
    },
    operations: { byCount, byP95 },
    subgraphs: subgraphRows,
    refusals: { total: byReason.reduce((sum, reason) => sum + reason.count, 0), byReason },
  };
}

/** Enough of a {@link WorkerSnapshot} to merge; the parts are checked as they are read. */
function isWorkerSnapshot(value: unknown): value is WorkerSnapshot {
  return (
    isRecord(value) &&
    value['version'] === 2 &&
    value['bucketMs'] === BUCKET_MS &&
    value['minuteMs'] === MINUTE_MS &&
    Array.isArray(value['buckets']) &&
    Array.isArray(value['minutes']) &&
    Array.isArray(value['operations']) &&
    Array.isArray(value['breakers'])
  );
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Three decimals: microseconds, and a much shorter JSON answer. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

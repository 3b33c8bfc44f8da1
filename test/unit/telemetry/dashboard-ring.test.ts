import { describe, expect, it } from 'vitest';

import {
  LATENCY_BIN_COUNT,
  latencyBin,
  latencyBinBounds,
  latencyPercentile,
} from '../../../src/telemetry/dashboard/latency.js';
import { mergeSnapshots } from '../../../src/telemetry/dashboard/merge.js';
import {
  BUCKET_MS,
  DashboardRing,
  OTHER,
  type RequestSample,
} from '../../../src/telemetry/dashboard/ring.js';

/** 10:00:00 on some day, on a bucket boundary. */
const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Latencies spread over five decades, as real ones are (log-uniform from 0.05 ms to 5 s). */
function latencies(count: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: count }, () => 0.05 * 10 ** (next() * 5));
}

/** The exact nearest-rank percentile. */
function exact(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? Number.NaN;
}

function histogramOf(values: readonly number[]): number[] {
  const counts = new Array<number>(LATENCY_BIN_COUNT).fill(0);
  for (const value of values) counts[latencyBin(value)]! += 1;
  return counts;
}

function sample(durationMs: number, overrides: Partial<RequestSample> = {}): RequestSample {
  return { durationMs, error: false, operation: 'Op', subgraphCalls: [], ...overrides };
}

describe('latency histograms', () => {
  it('puts every latency in the bin whose bounds hold it', () => {
    for (const value of [0, 0.01, 0.1, 0.1189, 0.12, 1, 7.5, 250, 4_000, 99_000]) {
      const { lower, upper } = latencyBinBounds(latencyBin(value));
      expect(value, String(value)).toBeGreaterThanOrEqual(lower);
      expect(value, String(value)).toBeLessThan(upper);
    }
    expect(latencyBin(Number.NaN)).toBe(0);
    expect(latencyBin(-5)).toBe(0);
    expect(latencyBin(10 ** 9)).toBe(LATENCY_BIN_COUNT - 1);
  });

  it('gives percentiles within a bin (19%) of the exact ones', () => {
    const values = latencies(20_000, 7);
    const counts = histogramOf(values);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const estimate = latencyPercentile(counts, q)!;
      const truth = exact(values, q);
      expect(estimate / truth, `p${q * 100}`).toBeGreaterThan(1 / 1.19);
      expect(estimate / truth, `p${q * 100}`).toBeLessThan(1.19);
    }
    expect(latencyPercentile(new Array(LATENCY_BIN_COUNT).fill(0), 0.5)).toBeUndefined();
  });
});

describe('the dashboard ring', () => {
  it('keeps each request in its 5-second bucket, and only the last hour', () => {
    const ring = new DashboardRing();
    ring.record(sample(10), T0 - 3_600_000); // more than an hour before the snapshot
    ring.record(sample(10), T0 + 1_000);
    ring.record(sample(20, { error: true }), T0 + 4_999);
    ring.record(sample(30), T0 + 5_000);
    const snapshot = ring.snapshot(T0 + 6_000);
    expect(
      snapshot.buckets.map(({ id, requests }) => [id * BUCKET_MS - T0, requests.count, requests.errors]),
    ).toEqual([
      [0, 2, 1],
      [5_000, 1, 0],
    ]);
    // Sixty minutes later the 10:00 buckets have left the window; their slots are reused.
    ring.record(sample(40), T0 + 3_600_000);
    const later = ring.snapshot(T0 + 3_600_000);
    expect(later.buckets.map(({ id }) => id * BUCKET_MS - T0)).toEqual([5_000, 3_600_000]);
    expect(later.buckets.at(-1)?.requests.count).toBe(1);
  });

  it('merges workers so that counts add up and percentiles are those of all requests together', () => {
    // Two workers with very different traffic: one fast, one slow and busier.
    const fast = latencies(3_000, 1).map((value) => value / 10);
    const slow = latencies(5_000, 2);
    const workerA = new DashboardRing();
    const workerB = new DashboardRing();
    const single = new DashboardRing();
    fast.forEach((value, index) => {
      const at = T0 + (index % 600) * 1_000;
      workerA.record(sample(value, { operation: 'Fast' }), at);
      single.record(sample(value, { operation: 'Fast' }), at);
    });
    slow.forEach((value, index) => {
      const at = T0 + (index % 600) * 1_000;
      const outcome = { operation: 'Slow', error: index % 10 === 0 };
      workerB.record(sample(value, outcome), at);
      single.record(sample(value, outcome), at);
    });
    const now = T0 + 600_000;
    // Over IPC the snapshots travel as JSON.
    const overIpc = (ring: DashboardRing) => JSON.parse(JSON.stringify(ring.snapshot(now))) as unknown;
    const merged = mergeSnapshots([overIpc(workerA), overIpc(workerB)], now);
    const alone = mergeSnapshots([single.snapshot(now)], now);

    expect(merged.workers).toBe(2);
    expect(merged.totals.requests).toBe(8_000);
    expect(merged.totals.errors).toBe(500);
    // Exactly what one process that saw every request reports, bucket by bucket.
    expect({ ...merged, workers: 1 }).toEqual(alone);

    const all = [...fast, ...slow];
    for (const [q, key] of [
      [0.5, 'p50'],
      [0.95, 'p95'],
      [0.99, 'p99'],
    ] as const) {
      const ratio = merged.totals[key]! / exact(all, q);
      expect(ratio, key).toBeGreaterThan(1 / 1.19);
      expect(ratio, key).toBeLessThan(1.19);
    }
    // Averaging the workers' own p95s would be off by more than a bin: the merge is not that.
    const averaged = (exact(fast, 0.95) + exact(slow, 0.95)) / 2;
    expect(Math.abs(averaged - exact(all, 0.95)) / exact(all, 0.95)).toBeGreaterThan(0.2);

    const rows = new Map(merged.operations.byCount.map((row) => [row.name, row]));
    expect(rows.get('Slow')).toMatchObject({ count: 5_000, errors: 500 });
    expect(rows.get('Fast')).toMatchObject({ count: 3_000, errors: 0 });
    expect(merged.operations.byP95.map((row) => row.name)).toEqual(['Slow', 'Fast']);
  });

  it('lines up the workers’ buckets on the hour, with rates per second', () => {
    const a = new DashboardRing();
    const b = new DashboardRing();
    for (let i = 0; i < 10; i++) a.record(sample(5), T0 + 100 + i);
    for (let i = 0; i < 5; i++) b.record(sample(5), T0 + 4_000 + i);
    const now = T0 + 12_500;
    const stats = mergeSnapshots([a.snapshot(now), b.snapshot(now)], now);
    expect(stats.series.time).toHaveLength(720);
    expect(stats.series.time.at(-1)).toBe((T0 + 10_000) / 1000);
    const at = stats.series.time.indexOf(T0 / 1000);
    expect(stats.series.requestsPerSecond[at]).toBe(3);
    expect(stats.series.errorRate[at]).toBe(0);
    expect(stats.series.errorRate[at + 1]).toBeNull();
    expect(stats.series.p95[at + 1]).toBeNull();
  });

  it('sums subgraph calls, breakers and refusals over workers', () => {
    const a = new DashboardRing();
    const b = new DashboardRing();
    const calls = [
      { subgraph: 'products', durationMs: 4 },
      { subgraph: 'reviews', durationMs: 9, errorCode: 'SUBGRAPH_UNAVAILABLE' },
      // A shared answer is not a call of its own.
      { subgraph: 'reviews', durationMs: 9, deduplicated: true },
    ];
    a.record(sample(12, { subgraphCalls: calls, error: true }), T0);
    b.record(sample(12, { subgraphCalls: calls.slice(0, 1) }), T0 + 1);
    b.record(sample(1, { refusal: { plugin: 'rate-limit', code: 'RATE_LIMITED' } }), T0 + 2);
    const stats = mergeSnapshots(
      [
        a.snapshot(T0 + 10, [{ subgraph: 'reviews', phase: 'open' }]),
        b.snapshot(T0 + 10, [{ subgraph: 'reviews', phase: 'closed' }]),
      ],
      T0 + 10,
    );
    const subgraphs = new Map(stats.subgraphs.map((row) => [row.name, row]));
    expect(subgraphs.get('products')).toMatchObject({ calls: 2, errors: 0, breakers: null });
    expect(subgraphs.get('reviews')).toMatchObject({
      calls: 1,
      errors: 1,
      breakers: { closed: 1, open: 1, halfOpen: 0 },
    });
    expect(subgraphs.get('reviews')?.series.errors.at(-1)).toBe(1);
    expect(stats.refusals).toEqual({
      total: 1,
      byReason: [{ plugin: 'rate-limit', code: 'RATE_LIMITED', count: 1 }],
    });
    expect(stats.series.refusals.at(-1)).toBe(1);
  });

  it('bounds the operations it names: a flood of one-off names does not push out a busy one', () => {
    const ring = new DashboardRing({
      subgraphsPerMinute: 4,
      refusalsPerBucket: 4,
      operationsPerMinute: 5,
      operationsPerSnapshot: 3,
      maxNameLength: 10,
    });
    for (let i = 0; i < 1_000; i++) {
      ring.record(sample(1, { operation: 'Busy' }), T0 + i);
      ring.record(sample(1, { operation: `OneOff${i}` }), T0 + i);
    }
    ring.record(sample(1, { operation: 'x'.repeat(50) }), T0 + 2_000);
    const snapshot = ring.snapshot(T0 + 3_000);
    const names = snapshot.operations.map((row) => row.name);
    expect(names).toContain('Busy');
    expect(names).toContain(OTHER);
    expect(names.length).toBeLessThanOrEqual(4);
    expect(snapshot.operations.reduce((sum, row) => sum + row.count, 0)).toBe(2_001);
    expect(snapshot.operations.find((row) => row.name === 'Busy')?.count).toBe(1_000);
  });

  it('bounds subgraphs per minute and refusals per bucket, counting the rest as other', () => {
    const ring = new DashboardRing({
      subgraphsPerMinute: 2,
      refusalsPerBucket: 1,
      operationsPerMinute: 5,
      operationsPerSnapshot: 5,
      maxNameLength: 100,
    });
    const calls = ['a', 'b', 'c', 'd'].map((subgraph) => ({ subgraph, durationMs: 1 }));
    ring.record(sample(1, { subgraphCalls: calls, refusal: { plugin: 'p', code: 'ONE' } }), T0);
    ring.record(sample(1, { refusal: { plugin: 'p', code: 'TWO' } }), T0);
    const { buckets, minutes } = ring.snapshot(T0);
    const [bucket] = buckets;
    expect(minutes[0]?.subgraphs.map((row) => [row.name, row.count])).toEqual([
      ['a', 1],
      ['b', 1],
      [OTHER, 2],
    ]);
    expect(bucket?.refusals.map((row) => [row.plugin, row.code, row.count])).toEqual([
      ['p', 'ONE', 1],
      [OTHER, OTHER, 1],
    ]);
  });

  it('leaves out answers that are not snapshots', () => {
    const ring = new DashboardRing();
    ring.record(sample(3), T0);
    const stats = mergeSnapshots([null, 'x', { version: 1 }, ring.snapshot(T0)], T0);
    expect(stats.workers).toBe(1);
    expect(stats.totals.requests).toBe(1);
  });
});

import { AggregatorRegistry } from 'prom-client';
import { OTHER } from './label-cap.js';
import type { MetricJson, MetricValueJson } from './lean-metrics.js';

/** One worker's metrics, in prom-client's JSON (which IPC carries as it is). */
export type WorkerMetrics = MetricJson[];

/** The labels whose values clients choose, capped over all workers together. */
const CAPPED_LABELS = ['operation', 'client'] as const;

/**
 * Sums every worker's metrics into one Prometheus text, as prom-client's cluster mode does: each
 * metric by its own aggregator (counters and histograms summed, process start time left out,
 * event-loop lag averaged, …). One answer is shown as it is, start time included.
 *
 * Each worker keeps at most `maxNames` operation (and client) names, but not the same ones; over all
 * of them, the names past `maxNames` are counted as `other` too. The names kept are the first in
 * sort order, so that the choice does not change from one scrape to the next once each worker's own
 * names are settled.
 */
export async function sumWorkers(answers: readonly unknown[], maxNames: number): Promise<string> {
  let workers = answers.filter(isWorkerMetrics);
  if (workers.length === 1) workers = workers.map(keepEveryMetric);
  for (const label of CAPPED_LABELS) workers = capLabel(workers, label, maxNames);
  return AggregatorRegistry.aggregate(workers).metrics();
}

function isWorkerMetrics(answer: unknown): answer is WorkerMetrics {
  return Array.isArray(answer);
}

/** A single process has nothing to aggregate: a metric left out of a sum (`omit`) is kept. */
function keepEveryMetric(metrics: WorkerMetrics): WorkerMetrics {
  return metrics.map((metric) =>
    metric.aggregator === 'omit' ? { ...metric, aggregator: 'first' } : metric,
  );
}

/**
 * The workers' metrics with the values of `label` past the first `max` (in sort order) replaced by
 * `other`; the sum then adds up the series that became the same. Values are copied, never changed in
 * place: a worker's own answer holds its registry's live label objects.
 */
function capLabel(workers: WorkerMetrics[], label: string, max: number): WorkerMetrics[] {
  const names = new Set<string>();
  for (const metrics of workers) {
    for (const metric of metrics) {
      for (const { labels } of metric.values) {
        const name = labels[label];
        if (name !== undefined && name !== OTHER) names.add(String(name));
      }
    }
  }
  if (names.size <= max) return workers;
  const kept = new Set([...names].sort().slice(0, max));
  const capped = (value: MetricValueJson): MetricValueJson => {
    const name = value.labels[label];
    if (name === undefined || kept.has(String(name))) return value;
    return { ...value, labels: { ...value.labels, [label]: OTHER } };
  };
  return workers.map((metrics) =>
    metrics.map((metric) => ({ ...metric, values: metric.values.map(capped) })),
  );
}

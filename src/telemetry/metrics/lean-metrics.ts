import type { Aggregator } from 'prom-client';

/** One metric as `registry.getMetricsAsJSON()` gives it, and as prom-client's `aggregate` reads it. */
export interface MetricJson {
  name: string;
  help: string;
  type: unknown;
  aggregator: Aggregator;
  values: MetricValueJson[];
}

export interface MetricValueJson {
  value: number;
  labels: Readonly<Record<string, string | number | undefined>>;
  /** The series' own name, for a histogram's `_bucket`, `_sum` and `_count`. */
  metricName?: string;
}

/** A counter of one label combination. */
export class CounterChild {
  value = 0;

  inc(): void {
    this.value++;
  }
}

/** A histogram of one label combination: a count per bucket (not cumulative), the sum and the count. */
export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const { bounds } = this;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    if (index < bounds.length) this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

interface Labelled<Child> {
  readonly labels: Readonly<Record<string, string>>;
  readonly child: Child;
}

/**
 * Counters and histograms for the request path, as plain numbers: recording is an increment, with
 * no label object, key or validation per call (prom-client's `labels(…).observe()` builds and
 * hashes a label object every time). A family makes a child per label combination, once (its user
 * keeps them), and turns them into prom-client's JSON at scrape time, summed with the rest.
 */
abstract class Family<Child> {
  protected readonly children: Labelled<Child>[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  /** A new child for these label values, in `labelNames` order; call once per combination. */
  child(...values: string[]): Child {
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, index) => (labels[name] = values[index] ?? ''));
    const child = this.make();
    this.children.push({ labels, child });
    return child;
  }

  protected abstract make(): Child;
  abstract json(): MetricJson;
}

export class CounterFamily extends Family<CounterChild> {
  protected make(): CounterChild {
    return new CounterChild();
  }

  json(): MetricJson {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      aggregator: 'sum',
      values: this.children.map(({ labels, child }) => ({ labels, value: child.value })),
    };
  }
}

export class HistogramFamily extends Family<HistogramChild> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly bounds: readonly number[],
  ) {
    super(name, help, labelNames);
  }

  protected make(): HistogramChild {
    return new HistogramChild(this.bounds);
  }

  json(): MetricJson {
    const bucket = `${this.name}_bucket`;
    const values: MetricValueJson[] = [];
    for (const { labels, child } of this.children) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += child.counts[index] ?? 0;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: child.count, metricName: bucket });
      values.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: child.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** Spans a gateway records, kept in memory (`startGateway({ traceSpanProcessor })`). */
export interface SpanRecorder {
  readonly processor: SimpleSpanProcessor;
  spans(): ReadableSpan[];
  reset(): void;
  /** The spans of the trace whose root (a span without a recorded parent) is named `rootName`, once it has ended. */
  waitForTrace(rootName?: string, timeoutMs?: number): Promise<ReadableSpan[]>;
}

export function recordSpans(): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const spans = () => exporter.getFinishedSpans();
  return {
    processor,
    spans,
    reset: () => exporter.reset(),
    async waitForTrace(rootName = 'POST /graphql', timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const root = spans().find((span) => span.name === rootName);
        if (root) return spans().filter((span) => span.spanContext().traceId === root.spanContext().traceId);
        await sleep(10);
      }
      throw new Error(
        `no "${rootName}" span within ${timeoutMs} ms; got ${spans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    },
  };
}

/** The span whose parent is not among `spans`. */
export function rootOf(spans: readonly ReadableSpan[]): ReadableSpan {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const roots = spans.filter((span) => !ids.has(span.parentSpanContext?.spanId ?? ''));
  if (roots.length !== 1)
    throw new Error(`expected one root, got ${roots.map((span) => span.name).join(', ')}`);
  return roots[0] as ReadableSpan;
}

export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
}

/**
 * The tree of span names under the root, one line per span, indented by depth, siblings sorted by
 * what they hold (concurrent spans end in any order). `keep` leaves out spans (and what is under them).
 */
export function spanTree(
  spans: readonly ReadableSpan[],
  keep: (span: ReadableSpan) => boolean = () => true,
): string {
  const render = (span: ReadableSpan, depth: number): string =>
    [
      `${'  '.repeat(depth)}${span.name}`,
      ...childrenOf(spans, span)
        .filter(keep)
        .map((child) => render(child, depth + 1))
        .sort(),
    ].join('\n');
  return render(rootOf(spans), 0);
}

/** The one span named `name`. */
export function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`expected one "${name}" span, got ${found.length}`);
  return found[0] as ReadableSpan;
}

/** A W3C `traceparent` header's parts. */
export function parseTraceparent(header: unknown): { traceId: string; spanId: string; flags: string } {
  const match =
    typeof header === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header) : null;
  if (!match) throw new Error(`not a traceparent: ${String(header)}`);
  return { traceId: match[1] as string, spanId: match[2] as string, flags: match[3] as string };
}

import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { startRecordingSubgraph } from '../helpers/recording-subgraph.js';
import { parseTraceparent, recordSpans, rootOf, spanNamed } from '../helpers/spans.js';
import { bearer, startTracedGraph, TOP_REVIEWS, type TracedGraph } from '../helpers/traced-graph.js';

/*
 * What tracing records beyond the span tree: the plan cache, merged and de-duplicated fetches, the
 * operation text on request; whose trace an incoming traceparent continues; sampling; and that it
 * is off by default.
 */

// Two plan fetches to reviews in one wave, which Gatehouse's executor merges into one request.
const MERGED = /* GraphQL */ `
  query Merged {
    users {
      reviews {
        product {
          name
        }
      }
    }
    topProducts {
      reviews {
        author {
          name
        }
      }
    }
  }
`;

let graph: TracedGraph;

beforeAll(async () => {
  graph = await startTracedGraph();
});

afterAll(async () => {
  await graph?.close();
});

describe("Gatehouse's executor", () => {
  const recorder = recordSpans();
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await graph.startGateway(recorder);
  });
  afterAll(async () => {
    await gateway?.close();
  });
  beforeEach(() => recorder.reset());

  it('marks the plan span with the plan cache: a miss, then a hit (and the document parsed once)', async () => {
    const authorization = bearer();
    await postGraphQL(gateway.graphqlUrl, { query: MERGED }, { authorization });
    const first = await recorder.waitForTrace();
    expect(spanNamed(first, 'gatehouse.plan').attributes).toMatchObject({
      'gatehouse.plan.cache': 'miss',
      'graphql.operation.name': 'Merged',
    });
    recorder.reset();
    await postGraphQL(gateway.graphqlUrl, { query: MERGED }, { authorization });
    const second = await recorder.waitForTrace();
    expect(spanNamed(second, 'gatehouse.plan').attributes['gatehouse.plan.cache']).toBe('hit');
    expect(second.map((span) => span.name)).not.toContain('graphql.parse');
  });

  it('marks a fetch that carries several of the plan fetches, merged', async () => {
    await postGraphQL(gateway.graphqlUrl, { query: MERGED }, { authorization: bearer() });
    const spans = await recorder.waitForTrace();
    const reviews = spanNamed(spans, 'gatehouse.fetch reviews');
    expect(reviews.attributes).toMatchObject({
      'gatehouse.fetch.merged': true,
      'gatehouse.fetch.plan_fetches': 2,
    });
    for (const other of spans.filter((span) => span.name.startsWith('gatehouse.fetch ') && span !== reviews))
      expect(other.attributes['gatehouse.fetch.merged'], other.name).toBeUndefined();
  });

  it('records the operation text only with includeDocument', async () => {
    const documented = recordSpans();
    const withDocument = await graph.startGateway(documented, {}, { includeDocument: true });
    try {
      await postGraphQL(withDocument.graphqlUrl, { query: TOP_REVIEWS }, { authorization: bearer() });
      expect(rootOf(await documented.waitForTrace()).attributes['graphql.document']).toBe(TOP_REVIEWS);
    } finally {
      await withDocument.close();
    }
  });
});

describe('trust and sampling', () => {
  const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const traceparent = `00-${clientTrace}-00f067aa0ba902b7-01`;
  beforeEach(() => graph.clear());

  it('trustIncomingTraceparent: false starts a trace of its own, and still propagates it', async () => {
    const recorder = recordSpans();
    const gateway = await graph.startGateway(recorder, {}, { trustIncomingTraceparent: false });
    try {
      await postGraphQL(
        gateway.graphqlUrl,
        { query: TOP_REVIEWS },
        { authorization: bearer(), traceparent, tracestate: 'vendor=opaque' },
      );
      const root = rootOf(await recorder.waitForTrace());
      expect(root.spanContext().traceId).not.toBe(clientTrace);
      expect(root.parentSpanContext).toBeUndefined();
      const [subgraphCall] = graph.reviewsOperations();
      expect(parseTraceparent(subgraphCall?.headers.traceparent).traceId).toBe(root.spanContext().traceId);
      expect(subgraphCall?.headers.tracestate).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });

  it('the access log names the trace the request is recorded under, not the untrusted client one', async () => {
    const recorder = recordSpans();
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
    const gateway = await graph.startGateway(
      recorder,
      { logging: { level: 'info' } },
      { trustIncomingTraceparent: false },
      { logStream: stream },
    );
    try {
      await postGraphQL(
        gateway.graphqlUrl,
        { query: TOP_REVIEWS },
        { authorization: bearer(), traceparent, 'x-request-id': 'traced-1' },
      );
      const traceId = rootOf(await recorder.waitForTrace()).spanContext().traceId;
      await waitFor(() => lines.some((line) => line.requestId === 'traced-1' && line.msg === 'request'));
      expect(lines.find((line) => line.requestId === 'traced-1' && line.msg === 'request')?.traceId).toBe(
        traceId,
      );
    } finally {
      await gateway.close();
    }
  });

  it('in a production stage, an incoming traceparent is not continued by default', async () => {
    const recorder = recordSpans();
    const gateway = await graph.startGateway(recorder, { stage: 'prod' });
    try {
      await postGraphQL(gateway.graphqlUrl, { query: TOP_REVIEWS }, { authorization: bearer(), traceparent });
      expect(rootOf(await recorder.waitForTrace()).spanContext().traceId).not.toBe(clientTrace);
    } finally {
      await gateway.close();
    }
  });

  it('sampleRatio 0 records nothing, yet subgraphs learn the trace, marked not sampled', async () => {
    const recorder = recordSpans();
    const gateway = await graph.startGateway(recorder, {}, { sampleRatio: 0 });
    try {
      const response = await postGraphQL(
        gateway.graphqlUrl,
        { query: TOP_REVIEWS },
        { authorization: bearer() },
      );
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(recorder.spans()).toEqual([]);
      const [subgraphCall] = graph.reviewsOperations();
      expect(parseTraceparent(subgraphCall?.headers.traceparent).flags).toBe('00');
    } finally {
      await gateway.close();
    }
  });

  it('off by default: nothing recorded, nothing propagated', async () => {
    const recorder = recordSpans();
    // No `telemetry.tracing` at all (and no OTEL_* variables in the test's environment).
    const gateway = await graph.startGateway(recorder, {}, false);
    try {
      const response = await postGraphQL(
        gateway.graphqlUrl,
        { query: TOP_REVIEWS },
        { authorization: bearer(), traceparent },
      );
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(recorder.spans()).toEqual([]);
      expect(graph.reviewsOperations()[0]?.headers.traceparent).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });
});

describe('de-duplicated fetches', () => {
  it("a fetch answered by another request's identical fetch in flight gets a span marked as such", async () => {
    const slow = await startRecordingSubgraph({
      name: 'slow',
      delayMs: 300,
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
        type Query { greeting: String! }`,
      resolvers: { Query: { greeting: () => 'hello' } },
    });
    const recorder = recordSpans();
    const gateway = await startTestGateway(
      [slow],
      { telemetry: { tracing: { enabled: true } } },
      { traceSpanProcessor: recorder.processor },
    );
    try {
      const responses = await Promise.all(
        [1, 2].map(() => postGraphQL(gateway.graphqlUrl, { query: '{ greeting }' })),
      );
      expect(responses.map((response) => response.body)).toEqual([
        { data: { greeting: 'hello' } },
        { data: { greeting: 'hello' } },
      ]);
      expect(slow.operations()).toHaveLength(1);
      await waitFor(() => recorder.spans().filter((span) => span.name === 'POST /graphql').length === 2);
      const fetches = recorder.spans().filter((span) => span.name === 'gatehouse.fetch slow');
      expect(fetches).toHaveLength(2);
      const [shared, sent] = [...fetches].sort(
        (a, b) =>
          Number(b.attributes['gatehouse.fetch.deduplicated'] ?? 0) -
          Number(a.attributes['gatehouse.fetch.deduplicated'] ?? 0),
      ) as [ReadableSpan, ReadableSpan];
      expect(shared.attributes).toMatchObject({
        'gatehouse.fetch.deduplicated': true,
        'gatehouse.subgraph.name': 'slow',
      });
      expect(sent.attributes['gatehouse.fetch.deduplicated']).toBeUndefined();
      expect(sent.attributes['http.response.status_code']).toBe(200);
      // Each in its own request's trace; only the one sent named its span to the subgraph.
      expect(shared.spanContext().traceId).not.toBe(sent.spanContext().traceId);
      const [call] = slow.operations();
      expect(parseTraceparent(call?.headers.traceparent).spanId).toBe(sent.spanContext().spanId);
    } finally {
      await gateway.close();
      await slow.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

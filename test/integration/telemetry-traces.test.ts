import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL } from '../helpers/gateway.js';
import { childrenOf, parseTraceparent, recordSpans, rootOf, spanNamed, spanTree } from '../helpers/spans.js';
import { bearer, startTracedGraph, TOP_REVIEWS, type TracedGraph } from '../helpers/traced-graph.js';

/*
 * OpenTelemetry traces through HTTP, on both executors: one request over the example graph's three
 * GraphQL subgraphs and its REST connector gives the expected spans, and W3C trace context reaches
 * every subgraph and REST backend. Spans go to an in-memory exporter given to the gateway.
 */

let graph: TracedGraph;

beforeAll(async () => {
  graph = await startTracedGraph();
});

afterAll(async () => {
  await graph?.close();
});

const pluginSpan = (span: ReadableSpan) => span.name.startsWith('gatehouse.plugin ');

const EXPECTED_TREES = {
  // Gatehouse's executor: its own plan and execute spans, one span per subgraph fetch.
  gatehouse: `POST /graphql
  gatehouse.execute
    gatehouse.fetch accounts
    gatehouse.fetch inventory
      GET inventory:Product@connect[0]
    gatehouse.fetch products
    gatehouse.fetch reviews
  gatehouse.plan
  graphql.parse
  graphql.validate`,
  // Apollo's executor: @apollo/gateway's own spans, with the fetch spans nested in its fetches.
  apollo: `POST /graphql
  gateway.request
    gateway.execute
      gateway.fetch
        gatehouse.fetch accounts
      gateway.fetch
        gatehouse.fetch inventory
          GET inventory:Product@connect[0]
      gateway.fetch
        gatehouse.fetch products
      gateway.fetch
        gatehouse.fetch reviews
      gateway.postprocessing
    gateway.plan
    gateway.validate
  graphql.parse
  graphql.validate`,
};

describe.each(['gatehouse', 'apollo'] as const)('traces with execution.engine: %s', (engine) => {
  const recorder = recordSpans();
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await graph.startGateway(recorder, { execution: { engine } });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  beforeEach(() => {
    recorder.reset();
    graph.clear();
  });

  it('one request over three subgraphs and the REST connector gives the span tree', async () => {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: TOP_REVIEWS },
      { authorization: bearer() },
    );
    expect(response.status).toBe(200);
    expect((response.body as { errors?: unknown }).errors).toBeUndefined();
    const spans = await recorder.waitForTrace();
    expect(spanTree(spans, (span) => !pluginSpan(span))).toBe(EXPECTED_TREES[engine]);

    const root = rootOf(spans);
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'url.path': '/graphql',
      'url.scheme': 'http',
      'http.response.status_code': 200,
      'graphql.operation.name': 'TopReviews',
      'graphql.operation.type': 'query',
    });
    // The operation text is left out unless `includeDocument` asks for it.
    expect(root.attributes['graphql.document']).toBeUndefined();

    // Identity and the other plugins that can refuse: a span per hook, under the request's.
    const identity = spanNamed(spans, 'gatehouse.plugin identity');
    expect(identity.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(identity.attributes).toMatchObject({
      'gatehouse.plugin.name': 'identity',
      'gatehouse.plugin.hook': 'afterBody',
    });
    expect(identity.attributes['gatehouse.refusal.code']).toBeUndefined();
    expect(childrenOf(spans, root).filter(pluginSpan).length).toBeGreaterThan(1);

    const reviews = spanNamed(spans, 'gatehouse.fetch reviews');
    expect(reviews.kind).toBe(SpanKind.CLIENT);
    expect(reviews.attributes).toMatchObject({
      'gatehouse.subgraph.name': 'reviews',
      'graphql.operation.name': expect.stringMatching(/^TopReviews__reviews__\d+$/),
      'graphql.operation.type': 'query',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'http.response.body.size': graph.reviewsAnswerBytes[0],
      // The two products' reviews.
      'gatehouse.fetch.entities': 2,
    });
    const products = spanNamed(spans, 'gatehouse.fetch products');
    expect(products.attributes['http.response.status_code']).toBe(200);
    // A fetch of root fields: no entities.
    expect(products.attributes['gatehouse.fetch.entities']).toBeUndefined();
    expect(
      spanNamed(spans, 'gatehouse.fetch accounts').attributes['gatehouse.fetch.entities'],
    ).toBeGreaterThan(0);

    const inventory = spanNamed(spans, 'gatehouse.fetch inventory');
    expect(inventory.kind).toBe(SpanKind.INTERNAL);
    expect(inventory.attributes).toMatchObject({
      'gatehouse.subgraph.name': 'inventory',
      'gatehouse.fetch.entities': 2,
    });
    const rest = spanNamed(spans, 'GET inventory:Product@connect[0]');
    expect(rest.kind).toBe(SpanKind.CLIENT);
    expect(rest.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${graph.inventory.url}/inventory`,
      'server.address': '127.0.0.1',
      'server.port': graph.inventory.port,
      'http.response.status_code': 200,
      'gatehouse.connector.id': 'inventory:Product@connect[0]',
      'gatehouse.subgraph.name': 'inventory',
    });
    expect(rest.attributes['http.response.body.size']).toBeGreaterThan(0);
    for (const span of spans) expect(span.status.code, span.name).not.toBe(SpanStatusCode.ERROR);
  });

  it('W3C traceparent reaches the GraphQL subgraph and the REST backend, naming the span of its call', async () => {
    await postGraphQL(gateway.graphqlUrl, { query: TOP_REVIEWS }, { authorization: bearer() });
    const spans = await recorder.waitForTrace();
    const traceId = rootOf(spans).spanContext().traceId;

    const [subgraphCall] = graph.reviewsOperations();
    const toSubgraph = parseTraceparent(subgraphCall?.headers.traceparent);
    expect(toSubgraph).toEqual({
      traceId,
      spanId: spanNamed(spans, 'gatehouse.fetch reviews').spanContext().spanId,
      flags: '01',
    });
    const [restCall] = graph.inventory.calls;
    expect(parseTraceparent(restCall?.headers.traceparent)).toEqual({
      traceId,
      spanId: spanNamed(spans, 'GET inventory:Product@connect[0]').spanContext().spanId,
      flags: '01',
    });
  });

  it('an incoming traceparent is continued outside production, and its tracestate passed on', async () => {
    const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpan = '00f067aa0ba902b7';
    await postGraphQL(
      gateway.graphqlUrl,
      { query: TOP_REVIEWS },
      {
        authorization: bearer(),
        traceparent: `00-${clientTrace}-${clientSpan}-01`,
        tracestate: 'vendor=opaque',
      },
    );
    const spans = await recorder.waitForTrace();
    const root = rootOf(spans);
    expect(root.spanContext().traceId).toBe(clientTrace);
    expect(root.parentSpanContext?.spanId).toBe(clientSpan);
    const [subgraphCall] = graph.reviewsOperations();
    expect(parseTraceparent(subgraphCall?.headers.traceparent).traceId).toBe(clientTrace);
    expect(subgraphCall?.headers.tracestate).toBe('vendor=opaque');
    expect(graph.inventory.calls[0]?.headers.tracestate).toBe('vendor=opaque');
  });

  it('a refused request: the refusing plugin span carries the code, the request span the status', async () => {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: TOP_REVIEWS },
      { authorization: 'Bearer not-a-jwt' },
    );
    expect(response.status).toBe(401);
    const spans = await recorder.waitForTrace();
    expect(spanNamed(spans, 'gatehouse.plugin identity').attributes['gatehouse.refusal.code']).toBe(
      'UNAUTHENTICATED',
    );
    const root = rootOf(spans);
    expect(root.attributes['http.response.status_code']).toBe(401);
    // A client's mistake is not the server's failure (OTel HTTP conventions).
    expect(root.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(spans.some((span) => span.name.startsWith('gatehouse.fetch'))).toBe(false);
    expect(graph.reviewsOperations()).toEqual([]);
  });
});

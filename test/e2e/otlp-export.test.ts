import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { productsSubgraph } from '../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../subgraphs/reviews/index.js';
import { startCli } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';

// `gatehouse serve` configured for traces the way a container is: only through the standard OTEL_*
// variables, its config file saying nothing about telemetry. A small OTLP/HTTP receiver on loopback
// stands in for the collector.

const CLIENT_SPAN = 'b7ad6b7169203331';
const QUERY = 'query TopReviews { topProducts(first: 2) { name reviews { body author { name } } } }';

let dir: string;
let config: string;
let services: RunningService[] = [];
let receiver: OtlpReceiver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-otlp-'));
  services = await Promise.all(
    [accountsSubgraph, productsSubgraph, reviewsSubgraph].map((s) => serveSubgraph(s)),
  );
  config = join(dir, 'gatehouse.yaml');
  writeFileSync(
    config,
    [
      'subgraphs:',
      ...services.map((service) => `  - name: ${service.name}\n    url: ${service.url}`),
      '',
    ].join('\n'),
  );
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await Promise.all(services.map((service) => service.close()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts the gateway with tracing set by these variables only, sends one query as part of a client's
 * trace, stops the gateway, and gives that trace's id.
 */
async function runTracedGateway(env: Record<string, string>): Promise<string> {
  const cli = startCli(['serve', '--config', config, '--port', '0', '--workers', '1'], {
    env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env },
  });
  const traceId = randomBytes(16).toString('hex');
  try {
    const graphqlUrl = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    const response = await postGraphQL(
      graphqlUrl,
      { query: QUERY },
      { traceparent: `00-${traceId}-${CLIENT_SPAN}-01` },
    );
    expect(response.status).toBe(200);
  } finally {
    expect(await cli.stop()).toBe(0);
  }
  return traceId;
}

function traceOf(spans: readonly ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((span) => span.traceId === traceId);
}

describe('traces exported over OTLP/HTTP, configured by OTEL_* variables alone', () => {
  it('http/protobuf (the default protocol): the request, its fetches, under the service name', async () => {
    const traceId = await runTracedGateway({
      OTEL_SERVICE_NAME: 'gatehouse-e2e',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const spans = traceOf(
      await receiver.waitFor((all) => traceOf(all, traceId).some((span) => span.name === 'POST /graphql')),
      traceId,
    );
    expect(receiver.contentTypes).toContain('application/x-protobuf');
    const root = spans.find((span) => span.name === 'POST /graphql') as ReceivedSpan;
    expect(root).toMatchObject({
      serviceName: 'gatehouse-e2e',
      kind: 2,
      // The client's trace is continued outside production stages.
      parentSpanId: CLIENT_SPAN,
    });
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'graphql.operation.name': 'TopReviews',
    });
    const execute = spans.find((span) => span.name === 'gatehouse.execute') as ReceivedSpan;
    expect(execute.parentSpanId).toBe(root.spanId);
    const fetches = spans.filter((span) => span.name.startsWith('gatehouse.fetch '));
    expect(fetches.map((span) => span.name).sort()).toEqual([
      'gatehouse.fetch accounts',
      'gatehouse.fetch products',
      'gatehouse.fetch reviews',
    ]);
    for (const fetch of fetches) {
      expect(fetch.parentSpanId).toBe(execute.spanId);
      expect(fetch).toMatchObject({ serviceName: 'gatehouse-e2e', kind: 3 });
      expect(fetch.attributes['http.response.status_code']).toBe(200);
    }
  });

  it('http/json, with spans still waiting in the batch exported when the gateway stops', async () => {
    // A batch delay far longer than the test: only the flush at shutdown can deliver these spans.
    const traceId = await runTracedGateway({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'gatehouse-json',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    const spans = traceOf(
      await receiver.waitFor((all) => traceOf(all, traceId).some((span) => span.name === 'POST /graphql')),
      traceId,
    );
    expect(receiver.contentTypes).toContain('application/json');
    expect(spans.find((span) => span.name === 'POST /graphql')?.serviceName).toBe('gatehouse-json');
    expect(spans.filter((span) => span.name.startsWith('gatehouse.fetch ')).length).toBe(3);
  });
});

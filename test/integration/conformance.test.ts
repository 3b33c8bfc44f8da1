import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { scenarios } from './conformance/index.js';
import {
  countBySubgraph,
  startRecordingProxy,
  type RecordedRequest,
  type RecordingProxy,
} from './conformance/recording-proxy.js';
import type { ConformanceCase, ConformanceScenario } from './conformance/types.js';

/** Nothing a client sees may name an internal address or carry a stack trace. */
const LEAKS = /127\.0\.0\.1|localhost|https?:\/\/|stacktrace|\bat .+\.[cm]?[jt]s:\d+/;

/**
 * The order of `errors` is not defined (errors of parallel fetches come in the order the fetches
 * end), so both sides list them in one canonical order before being compared.
 */
function withSortedErrors(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { errors?: unknown }).errors))
    return body;
  const errors = [...(body as { errors: unknown[] }).errors];
  errors.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return { ...body, errors };
}

describe.each(scenarios)('conformance: $name', (scenario: ConformanceScenario) => {
  const services = new Map<string, { service: RunningService; proxy: RecordingProxy }>();
  const traffic: RecordedRequest[] = [];
  let gateway: RunningGateway | undefined;

  async function stop(name: string): Promise<void> {
    const running = services.get(name);
    if (!running) return;
    services.delete(name);
    await running.proxy.close();
    await running.service.close();
  }

  beforeAll(async () => {
    for (const definition of scenario.subgraphs) {
      const service = await serveSubgraph(definition, { port: 0 });
      const proxy = await startRecordingProxy(definition.name, service.url, traffic);
      services.set(definition.name, { service, proxy });
    }
    gateway = await startTestGateway(
      scenario.subgraphs.map(({ name }) => ({ name, url: services.get(name)?.proxy.url ?? '' })),
    );
    for (const name of scenario.unavailable ?? []) await stop(name);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([...services.keys()].map(stop));
  });

  async function run(testCase: ConformanceCase): Promise<void> {
    if (!gateway) throw new Error('the gateway did not start');
    traffic.length = 0;
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: testCase.query,
      ...(testCase.variables === undefined ? {} : { variables: testCase.variables }),
      ...(testCase.operationName === undefined ? {} : { operationName: testCase.operationName }),
    });
    const body = response.body as Record<string, unknown>;
    const detail = JSON.stringify(body, null, 2);

    expect(withSortedErrors(body), detail).toEqual(withSortedErrors(testCase.expected));
    // Response fields come in the order the operation asked for them.
    if ('data' in testCase.expected) {
      expect(JSON.stringify(body.data), 'field order').toBe(JSON.stringify(testCase.expected.data));
    }
    expect(response.status, detail).toBe(testCase.status ?? 200);
    expect(JSON.stringify(body), 'no internal detail in the response').not.toMatch(LEAKS);
    if (testCase.subgraphRequests) {
      expect(countBySubgraph(traffic), 'subgraph requests').toEqual(testCase.subgraphRequests);
    }
  }

  const working = scenario.cases.filter((testCase) => testCase.knownBug === undefined);
  const broken = scenario.cases.filter((testCase) => testCase.knownBug !== undefined);
  if (working.length > 0) it.each(working)('$name', run);
  // Expected to fail until the gateway is fixed; when one passes, drop its `knownBug`.
  if (broken.length > 0) it.fails.each(broken)('known bug: $name', run);
});

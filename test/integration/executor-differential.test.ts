import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { startTestGateway } from '../helpers/gateway.js';
import { scenarios } from './conformance/index.js';
import { startScenarioServices, type ScenarioServices } from './conformance/scenario-services.js';
import type { Engine } from './conformance/types.js';
import { executorScenarios, type ExecutorCase, type ExecutorScenario } from './executor-scenarios.js';

/*
 * Every conformance case through two gateways over the same subgraphs, one per executor: Gatehouse's
 * must answer exactly as Apollo Gateway's does (status and body, to the byte: data, errors, their
 * order and paths, extensions), and must not send more subgraph requests. The exceptions are the
 * deliberate differences: cases where the conformance suite records a bug of Apollo's that Gatehouse
 * does not have (README, "Correctness"). There the two must differ, and the conformance suite checks
 * that Gatehouse's answer is the right one.
 */

interface Answer {
  status: number;
  body: string;
  subgraphRequests: number;
}

// The conformance suite's scenarios, and some aimed at de-duplication and merged requests.
const allScenarios: ExecutorScenario[] = [...scenarios, ...executorScenarios];

describe.each(allScenarios)('executor differential: $name', (scenario: ExecutorScenario) => {
  let services: ScenarioServices | undefined;
  const gateways = new Map<Engine, RunningGateway>();

  beforeAll(async () => {
    services = await startScenarioServices(scenario);
    for (const engine of ['apollo', 'gatehouse'] as const) {
      gateways.set(engine, await startTestGateway(services.subgraphs, { execution: { engine } }));
    }
    for (const name of scenario.unavailable ?? []) await services.stop(name);
  });

  afterAll(async () => {
    await Promise.all([...gateways.values()].map((gateway) => gateway.close()));
    await services?.stopAll();
  });

  async function ask(engine: Engine, testCase: ExecutorCase): Promise<Answer> {
    const gateway = gateways.get(engine);
    if (!gateway || !services) throw new Error(`the ${engine} gateway did not start`);
    const { traffic } = services;
    traffic.length = 0;
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: testCase.query,
        ...(testCase.variables === undefined ? {} : { variables: testCase.variables }),
        ...(testCase.operationName === undefined ? {} : { operationName: testCase.operationName }),
      }),
    });
    const body = await response.text();
    return { status: response.status, body, subgraphRequests: traffic.length };
  }

  const isDeliberateDifference = (testCase: ExecutorCase) =>
    testCase.knownBugs?.apollo !== undefined && testCase.knownBugs.gatehouse === undefined;
  const alike = scenario.cases.filter((testCase) => !isDeliberateDifference(testCase));
  const different = scenario.cases.filter(isDeliberateDifference);

  if (different.length > 0) {
    it.each(different)('deliberate difference: $name', async (testCase) => {
      const apollo = await ask('apollo', testCase);
      const gatehouse = await ask('gatehouse', testCase);
      expect(gatehouse.body, 'Gatehouse answers otherwise than Apollo here').not.toBe(apollo.body);
    });
  }

  it.each(alike)('$name', async (testCase) => {
    // Apollo first: stateful subgraphs (mutations) see the same sequence on both sides.
    const apollo = await ask('apollo', testCase);
    const gatehouse = await ask('gatehouse', testCase);
    expect(gatehouse.body, 'response body').toBe(apollo.body);
    expect(gatehouse.status, 'HTTP status').toBe(apollo.status);
    if (testCase.retried) {
      // One merged request, then each of its fetches again on its own.
      expect(gatehouse.subgraphRequests, 'subgraph requests').toBeLessThanOrEqual(
        apollo.subgraphRequests + 1,
      );
    } else {
      expect(gatehouse.subgraphRequests, 'subgraph requests').toBeLessThanOrEqual(apollo.subgraphRequests);
    }
  });
});

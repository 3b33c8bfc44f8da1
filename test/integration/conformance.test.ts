import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { INTERNAL_DETAIL, withSortedErrors } from './conformance/compare.js';
import { scenarios } from './conformance/index.js';
import { countBySubgraph } from './conformance/recording-proxy.js';
import { startScenarioServices, type ScenarioServices } from './conformance/scenario-services.js';
import type { ConformanceCase, ConformanceScenario, Engine } from './conformance/types.js';

/**
 * Executors every scenario runs against: both by default (Gatehouse's is the production default,
 * Apollo's is the reference the expectations were pinned from); CONFORMANCE_ENGINES=apollo picks one.
 */
const ENGINES: readonly Engine[] = ['apollo', 'gatehouse'];
const engines = (process.env.CONFORMANCE_ENGINES ?? 'apollo,gatehouse').split(',').map((name) => {
  const engine = ENGINES.find((known) => known === name.trim());
  if (!engine)
    throw new Error(`CONFORMANCE_ENGINES: unknown engine "${name}" (known: ${ENGINES.join(', ')})`);
  return engine;
});

const suites = engines.flatMap((engine) =>
  scenarios.map((scenario) => ({ engine, scenario, title: `${engine}: ${scenario.name}` })),
);

describe.each(suites)(
  'conformance $title',
  ({ engine, scenario }: { engine: Engine; scenario: ConformanceScenario }) => {
    let services: ScenarioServices | undefined;
    let gateway: RunningGateway | undefined;

    beforeAll(async () => {
      services = await startScenarioServices(scenario);
      gateway = await startTestGateway(services.subgraphs, { execution: { engine } });
      for (const name of scenario.unavailable ?? []) await services.stop(name);
    });

    afterAll(async () => {
      await gateway?.close();
      await services?.stopAll();
    });

    async function run(testCase: ConformanceCase): Promise<void> {
      if (!gateway || !services) throw new Error('the gateway did not start');
      const { traffic } = services;
      traffic.length = 0;
      const response = await postGraphQL(gateway.graphqlUrl, {
        query: testCase.query,
        ...(testCase.variables === undefined ? {} : { variables: testCase.variables }),
        ...(testCase.operationName === undefined ? {} : { operationName: testCase.operationName }),
      });
      const body = response.body as Record<string, unknown>;
      const detail = JSON.stringify(body, null, 2);

      expect(withSortedErrors(body), detail).toEqual(withSortedErrors(testCase.expected));
      // Response fields come in the order the operation selected them.
      if ('data' in testCase.expected) {
        expect(JSON.stringify(body.data), 'field order').toBe(JSON.stringify(testCase.expected.data));
      }
      expect(response.status, detail).toBe(testCase.status ?? 200);
      expect(JSON.stringify(body), 'no internal detail in the response').not.toMatch(INTERNAL_DETAIL);
      if (testCase.subgraphRequests) {
        expect(countBySubgraph(traffic), 'subgraph requests').toEqual(testCase.subgraphRequests);
      }
    }

    const working = scenario.cases.filter((testCase) => testCase.knownBugs?.[engine] === undefined);
    const broken = scenario.cases.filter((testCase) => testCase.knownBugs?.[engine] !== undefined);
    if (working.length > 0) it.each(working)('$name', run);
    // Expected to fail until the bug is fixed; once one passes, drop its knownBugs entry.
    if (broken.length > 0) it.fails.each(broken)('known bug: $name', run);
  },
);

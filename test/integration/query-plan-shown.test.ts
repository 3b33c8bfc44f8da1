import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { requiresArguments } from './conformance/requires-arguments/index.js';
import { startScenarioServices, type ScenarioServices } from './conformance/scenario-services.js';

/*
 * A request that asks for its query plan gets the plan that answered it: on Gatehouse's executor,
 * Apollo's plan with the required arguments met (README, "Correctness"), and the right data.
 */

// insights' `digest` requires comments(limit: 3) { id }; the client asks for comments(limit: 2).
const QUERY = '{ article(id: "a1") { comments(limit: 2) { id } digest } }';
const EXPECTED = {
  article: { comments: [{ id: 'c11' }, { id: 'c12' }], digest: '3 of 3: c11,c12,c13' },
};
const PLAN = { 'apollo-query-plan-experimental': 'true' };

let services: ScenarioServices;
let gateway: RunningGateway;

beforeAll(async () => {
  services = await startScenarioServices(requiresArguments);
  gateway = await startTestGateway(services.subgraphs, { execution: { engine: 'gatehouse' } });
});

afterAll(async () => {
  await gateway.close();
  await services.stopAll();
});

describe('the query plan shown on request', () => {
  it('is the plan Gatehouse ran, printed as Apollo prints plans, next to the right data', async () => {
    const { status, body } = await postGraphQL(gateway.graphqlUrl, { query: QUERY }, PLAN);
    expect(status).toBe(200);
    const { data, extensions } = body as { data: unknown; extensions: { __queryPlanExperimental: string } };
    expect(data).toEqual(EXPECTED);
    const plan = extensions.__queryPlanExperimental;
    expect(plan).toMatch(/^QueryPlan \{/);
    expect(plan).toContain('comments(limit: 2) {');
    expect(plan).toContain('gatehouse_required_0: comments(limit: 3) {');
  });

  it('comes in the internal format too, and not at all without the header', async () => {
    const internal = await postGraphQL(
      gateway.graphqlUrl,
      { query: QUERY },
      { ...PLAN, 'apollo-query-plan-experimental-format': 'internal' },
    );
    const shown = (internal.body as { extensions: { __queryPlanExperimental: { kind: string } } }).extensions;
    expect(shown.__queryPlanExperimental.kind).toBe('QueryPlan');
    expect(JSON.stringify(shown)).toContain('"readFrom":"gatehouse_required_0"');

    const plain = await postGraphQL(gateway.graphqlUrl, { query: QUERY });
    expect(plain.body).toEqual({ data: EXPECTED });
  });
});

import { composeServices } from '@apollo/composition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  benchSubgraphDefinitions,
  benchSubgraphNames,
  startBenchSubgraph,
  type BenchSubgraphName,
  type RunningBenchSubgraph,
} from '../../bench/subgraphs/index.js';
import { readBenchFile } from '../../bench/subgraphs/workload.js';
import { resolveConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { postGraphQL } from '../helpers/gateway.js';

// Gatehouse's executor keeps its own planner and plan cache per supergraph: after a hot reload it must
// plan against the new supergraph and send to the new subgraph URLs.

const running: RunningBenchSubgraph[] = [];
let gateway: RunningGateway | undefined;

function compose(subgraphs: readonly RunningBenchSubgraph[]): string {
  const composed = composeServices(
    subgraphs.map(({ name, url }) => ({ name, url, typeDefs: benchSubgraphDefinitions[name].typeDefs })),
  );
  if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
  return composed.supergraphSdl;
}

function requests(subgraphs: readonly RunningBenchSubgraph[]): number {
  return subgraphs.reduce((sum, subgraph) => sum + subgraph.requestCount(), 0);
}

const first: RunningBenchSubgraph[] = [];
const second: RunningBenchSubgraph[] = [];

beforeAll(async () => {
  for (const name of benchSubgraphNames) first.push(await startBenchSubgraph(name, { port: 0 }));
  const without: BenchSubgraphName[] = ['accounts', 'products', 'reviews'];
  for (const name of without) second.push(await startBenchSubgraph(name, { port: 0 }));
  running.push(...first, ...second);
  const config = resolveConfig(
    { server: { port: 0 }, logging: { level: 'silent' } },
    { env: {}, source: 'test config' },
  );
  gateway = await startGateway({ config, supergraphSdl: compose(first) });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(running.map((subgraph) => subgraph.close()));
});

describe("Gatehouse's executor across a supergraph reload", () => {
  it('plans against the new supergraph and calls the new subgraphs', async () => {
    if (!gateway) throw new Error('the gateway did not start');
    const before = await postGraphQL(gateway.graphqlUrl, { query: readBenchFile('query.graphql') });
    expect(JSON.stringify(before.body)).toBe(readBenchFile('expected.json'));
    expect(requests(second)).toBe(0);

    const state = gateway.state();
    if (state.phase !== 'serving') throw new Error(`the gateway is ${state.phase}`);
    // The second set has no inventory subgraph: inStock is gone from the graph.
    state.runtime.updateSupergraph(compose(second));
    const firstCount = requests(first);

    const gone = await postGraphQL(gateway.graphqlUrl, { query: '{ topProducts { name inStock } }' });
    expect(gone.status).toBe(400);
    const after = await postGraphQL(gateway.graphqlUrl, {
      query: '{ topProducts(first: 2) { name reviews { author { name } } } }',
    });
    expect(after.status).toBe(200);
    expect(after.body).toEqual({
      data: {
        topProducts: [
          {
            name: 'Table',
            reviews: [1, 2, 3, 4].map(() => ({ author: { name: 'Uri Goldshtein' } })),
          },
          {
            name: 'Couch',
            reviews: [1, 2, 3, 4].map(() => ({ author: { name: 'Uri Goldshtein' } })),
          },
        ],
      },
    });
    expect(requests(first)).toBe(firstCount);
    expect(requests(second)).toBe(3);
  });
});

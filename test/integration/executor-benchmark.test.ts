import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchSubgraphNames,
  startBenchSubgraph,
  type RunningBenchSubgraph,
} from '../../bench/subgraphs/index.js';
import { readBenchFile, supergraphWithUrls } from '../../bench/subgraphs/workload.js';
import { resolveConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';

const query = readBenchFile('query.graphql');
const expected = readBenchFile('expected.json');

const subgraphs: RunningBenchSubgraph[] = [];
const gateways = new Map<'gatehouse' | 'apollo', RunningGateway>();

function subgraphRequests(): number {
  return subgraphs.reduce((sum, subgraph) => sum + subgraph.requestCount(), 0);
}

async function start(engine: 'gatehouse' | 'apollo', supergraphSdl: string): Promise<RunningGateway> {
  const config = resolveConfig(
    { server: { port: 0 }, logging: { level: 'silent' }, execution: { engine } },
    { env: {}, source: 'test config' },
  );
  return startGateway({ config, supergraphSdl });
}

async function postQuery(engine: 'gatehouse' | 'apollo'): Promise<{ status: number; body: string }> {
  const gateway = gateways.get(engine);
  if (!gateway) throw new Error(`the ${engine} gateway did not start`);
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, operationName: 'TestQuery' }),
  });
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  for (const name of benchSubgraphNames) subgraphs.push(await startBenchSubgraph(name, { port: 0 }));
  const urls = Object.fromEntries(subgraphs.map((subgraph) => [subgraph.name, subgraph.url]));
  const supergraphSdl = supergraphWithUrls(readBenchFile('supergraph.graphql'), urls);
  gateways.set('gatehouse', await start('gatehouse', supergraphSdl));
  gateways.set('apollo', await start('apollo', supergraphSdl));
});

afterAll(async () => {
  await Promise.all([...gateways.values()].map((gateway) => gateway.close()));
  await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
});

beforeEach(() => {
  for (const subgraph of subgraphs) subgraph.resetRequestCount();
});

describe('the benchmark query', () => {
  it("is answered by Gatehouse's executor with exactly expected.json, in 8 subgraph requests or fewer", async () => {
    // The first request plans and compiles; the second runs from the plan cache.
    for (let run = 0; run < 2; run++) {
      const before = subgraphRequests();
      const { status, body } = await postQuery('gatehouse');
      expect(status).toBe(200);
      expect(body.length).toBe(expected.length + 1);
      // Apollo Server ends the body with a newline.
      expect(body === `${expected}\n`).toBe(true);
      expect(subgraphRequests() - before).toBeLessThanOrEqual(8);
    }
  });

  it("is answered by Apollo's executor (engine: apollo) with the same bytes, in 16 subgraph requests", async () => {
    const { status, body } = await postQuery('apollo');
    expect(status).toBe(200);
    expect(body === `${expected}\n`).toBe(true);
    expect(subgraphRequests()).toBe(16);
  });

  it('gives the same answer to concurrent requests', async () => {
    const bodies = await Promise.all(Array.from({ length: 10 }, () => postQuery('gatehouse')));
    for (const { status, body } of bodies) {
      expect(status).toBe(200);
      expect(body === `${expected}\n`).toBe(true);
    }
  });
});

import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { resolveConfig } from '../../src/config/load.js';
import type { Registry } from '../../src/registry/types.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { postGraphQL } from '../helpers/gateway.js';
import {
  startRegistryServer,
  testStoreConfig,
  TOKENS,
  type RegistryServer,
} from '../helpers/registry-api.js';
import { EXTRA_QUERY, STEADY_QUERY } from '../helpers/supergraph-versions.js';

// A gateway follows a registry stage, over HTTP or in process: a publish is served within a second,
// a rollback too, and a registry that goes down leaves the gateway serving, then followed again.

const fullSdl = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
const baseSdl = fullSdl.replace(/^\s*email: String!\n/m, '');

let accounts: RunningService;
const cleanup: (() => Promise<void>)[] = [];
beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
});
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});
afterAll(() => accounts?.close());

async function registryServer(): Promise<RegistryServer> {
  const store = testStoreConfig('sqlite');
  const server = await startRegistryServer(store.config);
  cleanup.push(async () => {
    await server.close();
    await store.cleanup();
  });
  return server;
}

function publish(registry: Registry, sdl: string) {
  return registry.publish({ stage: 'dev', name: 'accounts', url: accounts.url, sdl }, 'test');
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 3_000) {
  const started = Date.now();
  let value = await probe();
  while (!accept(value) && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await probe();
  }
  return { value, ms: Date.now() - started };
}

async function gatewayFollowing(supergraph: Record<string, unknown>, registry?: Registry) {
  const config = resolveConfig(
    {
      server: { port: 0 },
      logging: { level: 'silent' },
      supergraph,
      ...(registry ? { registry: { embedded: true } } : {}),
    },
    { env: {}, source: 'test config', stage: 'dev' },
  );
  const gateway = await startGateway({ config, ...(registry ? { registry } : {}) });
  cleanup.push(() => gateway.close());
  return gateway;
}

async function followsPublishes(gateway: RunningGateway, registry: Registry) {
  expect((await postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY })).status).toBe(400);
  const published = await publish(registry, fullSdl);
  expect(published.status).toBe('created');
  const added = await eventually(
    () => postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY }),
    (response) => response.status === 200,
  );
  expect(added.value.status).toBe(200);
  expect(added.ms).toBeLessThan(1_000);
  if (published.status !== 'created') return;
  expect(gateway.supergraph()).toMatchObject({
    status: 'loaded',
    version: String(published.version.id),
    hash: published.version.hash,
  });
}

describe('a gateway following a registry stage', () => {
  it('over HTTP: serves each publish within a second, and keeps serving while the registry is down', async () => {
    const server = await registryServer();
    await publish(server.registry, baseSdl);
    const gateway = await gatewayFollowing({ registry: server.url, token: TOKENS[0]?.token });
    expect(gateway.supergraph()).toMatchObject({
      status: 'loaded',
      source: `registry ${server.url} stage dev`,
    });
    await followsPublishes(gateway, server.registry);

    await server.app.close();
    const down = await eventually(
      async () => gateway.supergraph(),
      (status) => status.status === 'failed',
      5_000,
    );
    expect(down.value.lastError?.message).toMatch(/Cannot reach the registry at .*: connection refused/);
    expect((await postGraphQL(gateway.graphqlUrl, { query: STEADY_QUERY })).status).toBe(200);
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(200);
  });

  it('embedded: follows the registry this process runs', async () => {
    const server = await registryServer();
    await publish(server.registry, baseSdl);
    const gateway = await gatewayFollowing({ registry: 'embedded' }, server.registry);
    expect(gateway.supergraph()).toMatchObject({ status: 'loaded', source: 'embedded registry stage dev' });
    await followsPublishes(gateway, server.registry);
  });
});

import { createServer } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph } from '../../subgraphs/lib/serve-subgraph.js';
import { resolveConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/server/start.js';
import { postGraphQL, readResponse } from '../helpers/gateway.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('gateway lifecycle', () => {
  it('answers /health at once, /ready and /graphql 503 until the supergraph loads, then 200', async () => {
    const [gatewayPort, subgraphPort] = [await freePort(), await freePort()];
    const config = resolveConfig(
      {
        server: { port: gatewayPort },
        logging: { level: 'silent' },
        subgraphs: [{ name: 'accounts', url: `http://127.0.0.1:${subgraphPort}/graphql` }],
      },
      { env: {} },
    );
    // The subgraph is not up yet: the gateway listens and keeps retrying introspection.
    const starting = startGateway({ config });
    const base = `http://127.0.0.1:${gatewayPort}`;
    let health: Response | undefined;
    for (let attempt = 0; attempt < 50 && !health; attempt++) {
      health = await fetch(`${base}/health`).catch(() => undefined);
      if (!health) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(health?.status).toBe(200);
    const notReady = await readResponse(await fetch(`${base}/ready`));
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ errors: [{ extensions: { code: 'NOT_READY' } }] });
    const early = await postGraphQL(`${base}/graphql`, { query: '{ me { id } }' });
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ errors: [{ extensions: { code: 'NOT_READY' } }] });

    const accounts = await serveSubgraph(accountsSubgraph, { port: subgraphPort });
    const gateway = await starting;
    try {
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      expect((await postGraphQL(gateway.graphqlUrl, { query: '{ me { id } }' })).body).toEqual({
        data: { me: { id: '1' } },
      });
    } finally {
      await gateway.close();
      await accounts.close();
    }
    expect(gateway.state().phase).toBe('stopped');
  });
});

describe('access log', () => {
  it('writes one JSON line per request with the operation name, status and duration', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const accounts = await serveSubgraph(accountsSubgraph);
    const config = resolveConfig(
      { server: { port: 0 }, subgraphs: [{ name: 'accounts', url: accounts.url }] },
      { env: {} },
    );
    const gateway = await startGateway({ config, logger });
    try {
      await postGraphQL(gateway.graphqlUrl, { query: 'query WhoAmI { me { id } }' });
      await postGraphQL(gateway.graphqlUrl, '{bad json');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const requests = lines.filter((line) => line.msg === 'request');
      expect(requests).toHaveLength(2);
      expect(requests[0]).toMatchObject({
        method: 'POST',
        path: '/graphql',
        status: 200,
        operationName: 'WhoAmI',
      });
      expect(requests[0]?.durationMs).toEqual(expect.any(Number));
      expect(requests[1]).toMatchObject({ status: 400, path: '/graphql' });
    } finally {
      await gateway.close();
      await accounts.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleServices } from '../../subgraphs/index.js';
import { postGraphQL } from '../helpers/gateway.js';
import { runCli, startCli } from '../helpers/cli.js';

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// The example config keeps its registry in schema/.gatehouse unless GATEHOUSE_SQLITE says otherwise.
const storeDir = mkdtempSync(join(tmpdir(), 'gatehouse-dev-'));
afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

describe('gatehouse dev', () => {
  it('serves the example graph across three subgraphs and the REST connector, then stops everything on SIGTERM', async () => {
    const cli = startCli(['dev', '--port', '4100'], {
      env: { GATEHOUSE_LOG_LEVEL: 'warn', GATEHOUSE_SQLITE: join(storeDir, 'gatehouse.db') },
    });
    try {
      const graphqlUrl = await cli.waitFor(/http:\/\/127\.0\.0\.1:4100\/graphql/);
      expect(cli.output().stdout).toContain('Sandbox   http://127.0.0.1:4100/sandbox');
      const response = await postGraphQL(graphqlUrl, {
        query: '{ users { username reviews { rating product { name } } } }',
      });
      expect(response.status).toBe(200);
      const { users } = (response.body as { data: { users: { reviews: { product: { name: string } }[] }[] } })
        .data;
      expect(users.length).toBeGreaterThan(0);
      expect(users.flatMap((user) => user.reviews).length).toBeGreaterThan(0);
      expect(users.flatMap((user) => user.reviews)[0]?.product.name).toEqual(expect.any(String));
      // The inventory REST service, through schema/inventory.graphql, in both directions.
      const joined = await postGraphQL(graphqlUrl, {
        query:
          '{ topProducts(first: 2) { upc inStock shippingEstimate } stockLevel(upc: "3") { name inStock } }',
      });
      expect(joined.body).toEqual({
        data: {
          topProducts: [
            { upc: '1', inStock: true, shippingEstimate: 799 },
            { upc: '2', inStock: true, shippingEstimate: 0 },
          ],
          stockLevel: { name: 'The Pragmatic Programmer', inStock: false },
        },
      });

      // The README's quick start: publish the example change to the embedded registry; the gateway
      // serves it within a second.
      const published = await runCli([
        'subgraph',
        'publish',
        '--registry',
        'http://127.0.0.1:4100',
        '--stage',
        'dev',
        '--name',
        'inventory',
        '--type',
        'rest',
        '--schema',
        'schema/examples/inventory-ships-from.graphql',
        '--token',
        'gatehouse-dev-token',
      ]);
      expect(published.stdout).toMatch(/^Stage dev: publish inventory, created version 2 \(4 subgraphs/);
      const publishedAt = Date.now();
      let shipsFrom: unknown;
      while (Date.now() - publishedAt < 1_000) {
        const answer = await postGraphQL(graphqlUrl, { query: '{ topProducts(first: 2) { shipsFrom } }' });
        shipsFrom = (answer.body as { data?: unknown }).data;
        if (shipsFrom !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(shipsFrom).toEqual({ topProducts: [{ shipsFrom: 'SEA-1' }, { shipsFrom: 'RNO-2' }] });
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
    for (const port of [4100, ...exampleServices.map((service) => service.port)]) {
      expect(await isListening(port), `port ${port} is still served`).toBe(false);
    }
  });
});

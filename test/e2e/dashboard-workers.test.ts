import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printSubgraphSchema, buildSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import type { DashboardStats } from '../../src/telemetry/dashboard/index.js';
import { startCli } from '../helpers/cli.js';

/*
 * `gatehouse serve --workers 2` as an operator runs it: requests spread over both workers, and
 * whichever worker the dashboard's poll reaches answers with the hour of both.
 */

interface Answer {
  status: number;
  body: string;
}

/**
 * One request on a connection of its own: the cluster hands each new connection to the next worker
 * in turn, so consecutive requests (and polls) reach both workers.
 */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    outgoing.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('the dashboard with gatehouse serve --workers 2', () => {
  let accounts: RunningService;
  let dir: string;
  let supergraph: string;

  beforeAll(async () => {
    accounts = await serveSubgraph(accountsSubgraph);
    const sdl = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-dashboard-workers-'));
    supergraph = join(dir, 'supergraph.graphql');
    writeFileSync(
      supergraph,
      composeSupergraph([{ name: 'accounts', url: accounts.url, sdl, origin: 'accounts' }]),
    );
  });

  afterAll(async () => {
    await accounts?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every request of both workers once, whichever worker answers the poll', async () => {
    const cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--workers', '2']);
    try {
      const graphqlUrl = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/, 60_000);
      expect(cli.output().stdout).toContain('2 workers');
      const requests = 24;
      for (let i = 0; i < requests; i++) {
        const answer = await send(graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: i % 4 === 0 ? 'query Slow { me { id username } }' : 'query Me { me { id } }',
          }),
        });
        expect(answer.status, answer.body).toBe(200);
      }
      const refused = await send(`${graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`);
      expect(refused.status).toBe(400);

      const statsUrl = graphqlUrl.replace(/\/graphql$/, '/admin/api/stats');
      // Four polls on fresh connections: each worker answers at least one of them.
      for (let poll = 0; poll < 4; poll++) {
        const answer = await send(statsUrl);
        expect(answer.status, answer.body).toBe(200);
        const stats = JSON.parse(answer.body) as DashboardStats;
        expect(stats.workers).toBe(2);
        expect(stats.totals.requests).toBe(requests + 1);
        expect(stats.totals.errors).toBe(1);
        expect(stats.series.requestsPerSecond.reduce((sum, rate) => sum + rate, 0)).toBeGreaterThan(0);
        expect(stats.operations.byCount.map(({ name, count }) => [name, count])).toEqual([
          ['Me', 18],
          ['Slow', 6],
          ['(anonymous)', 1],
        ]);
        expect(stats.subgraphs.map(({ name, calls }) => [name, calls])).toEqual([['accounts', requests]]);
        expect(stats.refusals.byReason).toEqual([
          { plugin: 'csrf-prevention', code: 'CSRF_PREVENTED', count: 1 },
        ]);
      }
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);
});

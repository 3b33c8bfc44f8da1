import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printSubgraphSchema, buildSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { parsePrometheus, series, total, type Sample } from '../helpers/prometheus.js';

/*
 * `gatehouse serve --workers 2` as an operator runs it: requests spread over both workers, and
 * whichever worker a scrape reaches answers with the sum of both.
 */

const TOKEN = 'a-metrics-token-for-the-workers-test';

interface Answer {
  status: number;
  body: string;
}

/**
 * One request on a connection of its own: the cluster hands each new connection to the next worker
 * in turn, so consecutive requests (and scrapes) reach both workers.
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

async function query(
  graphqlUrl: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A loopback port nothing listens on (for a moment). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function scrapeFresh(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const answer = await send(url, { headers });
  expect(answer.status, answer.body).toBe(200);
  return parsePrometheus(answer.body);
}

describe('metrics with gatehouse serve --workers 2', () => {
  let accounts: RunningService;
  let dir: string;
  let supergraph: string;

  beforeAll(async () => {
    accounts = await serveSubgraph(accountsSubgraph);
    const sdl = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-metrics-workers-'));
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

  async function serve(args: string[] = []): Promise<{ cli: CliProcess; graphqlUrl: string }> {
    const cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--workers', '2', ...args]);
    const graphqlUrl = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/, 60_000);
    expect(cli.output().stdout).toContain('2 workers');
    return { cli, graphqlUrl };
  }

  it('counts every request exactly once, summed over both workers, whichever worker is scraped', async () => {
    const { cli, graphqlUrl } = await serve();
    try {
      const requests = 24;
      for (let i = 0; i < requests; i++) {
        const headers: Record<string, string> = i % 3 === 0 ? { 'apollographql-client-name': 'ios' } : {};
        const answer = await query(graphqlUrl, { query: 'query Me { me { id } }' }, headers);
        expect(answer.status, answer.body).toBe(200);
      }
      const refused = await send(`${graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`);
      expect(refused.status).toBe(400);

      const metricsUrl = graphqlUrl.replace(/\/graphql$/, '/metrics');
      // Four scrapes on fresh connections: each worker answers at least one of them.
      for (let scrape = 0; scrape < 4; scrape++) {
        const samples = await scrapeFresh(metricsUrl);
        expect(total(samples, 'gatehouse_workers')).toBe(2);
        expect(series(samples, 'gatehouse_requests_total')).toEqual({
          'client=ios,operation=Me,outcome=success': 8,
          'client=unknown,operation=Me,outcome=success': 16,
          'client=unknown,operation=anonymous,outcome=refused': 1,
        });
        expect(total(samples, 'gatehouse_request_duration_seconds_count')).toBe(requests + 1);
        expect(series(samples, 'gatehouse_subgraph_request_duration_seconds_count')).toEqual({
          'subgraph=accounts': requests,
        });
        expect(series(samples, 'gatehouse_refusals_total')).toEqual({
          'code=CSRF_PREVENTED,plugin=csrf-prevention': 1,
        });
        // Both workers serve the one supergraph: one series, not one per worker.
        expect(samples.filter((sample) => sample.name === 'gatehouse_supergraph_info')).toHaveLength(1);
        // Process metrics of both processes, summed (prom-client leaves out the start time).
        expect(total(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
        expect(total(samples, 'process_start_time_seconds')).toBe(0);
      }
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);

  it('serves the sum on a metrics port shared by the workers, behind a token, names capped over both', async () => {
    const config = join(dir, 'gatehouse.yaml');
    const port = await freePort();
    writeFileSync(
      config,
      `telemetry:\n  metrics:\n    port: ${port}\n    token: ${TOKEN}\n    maxOperationNames: 3\n`,
    );
    const { cli, graphqlUrl } = await serve(['--config', config]);
    try {
      // Ten operation names over two workers: each keeps its first three, and the sum keeps three of all.
      for (let i = 0; i < 10; i++) {
        expect((await query(graphqlUrl, { query: `query Op${i} { me { id } }` })).status).toBe(200);
      }
      const metricsUrl = `http://127.0.0.1:${port}/metrics`;
      expect((await send(metricsUrl)).status).toBe(401);
      for (let scrape = 0; scrape < 2; scrape++) {
        const samples = await scrapeFresh(metricsUrl, { authorization: `Bearer ${TOKEN}` });
        expect(total(samples, 'gatehouse_workers')).toBe(2);
        expect(series(samples, 'gatehouse_requests_total')).toEqual({
          'client=unknown,operation=Op0,outcome=success': 1,
          'client=unknown,operation=Op1,outcome=success': 1,
          'client=unknown,operation=Op2,outcome=success': 1,
          'client=unknown,operation=other,outcome=success': 7,
        });
      }
      expect((await send(graphqlUrl.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);
});

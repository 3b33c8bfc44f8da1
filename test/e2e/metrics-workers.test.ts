import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { parsePrometheus, series, total, type Sample } from '../helpers/prometheus.js';
import {
  postQuery,
  send,
  sendRefusedQuery,
  withTwoWorkers,
  useAccountsSupergraph,
} from '../helpers/workers.js';

/*
 * `gatehouse serve --workers 2` as an operator runs it: requests spread over both workers, and
 * whichever worker a scrape reaches answers with the sum of both.
 */

const TOKEN = 'a-metrics-token-for-the-workers-test';

async function scrapeFresh(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const answer = await send(url, { headers });
  expect(answer.status, answer.body).toBe(200);
  return parsePrometheus(answer.body);
}

describe('metrics with gatehouse serve --workers 2', () => {
  const graph = useAccountsSupergraph('gatehouse-metrics-workers-');

  it('counts every request exactly once, summed over both workers, whichever worker is scraped', async () => {
    await withTwoWorkers(graph().supergraph, async (graphqlUrl) => {
      const requests = 24;
      for (let i = 0; i < requests; i++) {
        const headers: Record<string, string> = i % 3 === 0 ? { 'apollographql-client-name': 'ios' } : {};
        const answer = await postQuery(graphqlUrl, { query: 'query Me { me { id } }' }, headers);
        expect(answer.status, answer.body).toBe(200);
      }
      await sendRefusedQuery(graphqlUrl);

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
    });
  }, 120_000);

  it('serves the sum on a metrics port shared by the workers, behind a token, names capped over both', async () => {
    const config = join(graph().dir, 'gatehouse.yaml');
    const port = await freePort();
    writeFileSync(
      config,
      `telemetry:\n  metrics:\n    port: ${port}\n    token: ${TOKEN}\n    maxOperationNames: 3\n`,
    );
    await withTwoWorkers(
      graph().supergraph,
      async (graphqlUrl) => {
        // Ten operation names over two workers: each keeps its first three, and the sum keeps three of all.
        for (let i = 0; i < 10; i++) {
          expect((await postQuery(graphqlUrl, { query: `query Op${i} { me { id } }` })).status).toBe(200);
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
      },
      ['--config', config],
    );
  }, 120_000);
});

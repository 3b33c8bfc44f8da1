import { describe, expect, it } from 'vitest';
import type { DashboardStats } from '../../src/telemetry/dashboard/index.js';
import {
  postQuery,
  send,
  sendRefusedQuery,
  withTwoWorkers,
  useAccountsSupergraph,
} from '../helpers/workers.js';

/*
 * `gatehouse serve --workers 2` as an operator runs it: requests spread over both workers, and
 * whichever worker the dashboard's poll reaches answers with the hour of both.
 */

describe('the dashboard with gatehouse serve --workers 2', () => {
  const graph = useAccountsSupergraph('gatehouse-dashboard-workers-');

  it('shows every request of both workers once, whichever worker answers the poll', async () => {
    await withTwoWorkers(graph().supergraph, async (graphqlUrl) => {
      const requests = 24;
      for (let i = 0; i < requests; i++) {
        const answer = await postQuery(graphqlUrl, {
          query: i % 4 === 0 ? 'query Slow { me { id username } }' : 'query Me { me { id } }',
        });
        expect(answer.status, answer.body).toBe(200);
      }
      await sendRefusedQuery(graphqlUrl);

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
    });
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import {
  startRecordingSubgraph,
  startThingsSubgraph,
  type RecordingSubgraph,
} from '../helpers/recording-subgraph.js';

const ADMIN_TOKEN = { name: 'ops', token: 'query-plan-access-admin-token-0123456789' };
const QUERY = '{ thing { id name extra } }';
const PLAN = { 'apollo-query-plan-experimental': 'true' };
const CALLS = { 'gatehouse-debug': 'subgraph-calls' };
const WITH_TOKEN = { 'gatehouse-admin-token': ADMIN_TOKEN.token };
// Subgraphs get every client header, so a header the gateway lets through would show up there.
const PROPAGATE_ALL = { all: [{ propagate: { matching: '.*' } }] };

let things: RecordingSubgraph;
let extras: RecordingSubgraph;

beforeAll(async () => {
  things = await startThingsSubgraph();
  extras = await startRecordingSubgraph({
    name: 'extras',
    sdl: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Thing @key(fields: "id") { id: ID! extra: String }
    `,
    resolvers: { Thing: { __resolveReference: ({ id }: { id: string }) => ({ id, extra: `extra ${id}` }) } },
  });
});

afterAll(async () => {
  await things.close();
  await extras.close();
});

interface Answer {
  data?: unknown;
  extensions?: { __queryPlanExperimental?: unknown; gatehouse?: { subgraphs: { subgraph: string }[] } };
}

async function ask(gateway: RunningGateway, headers: Record<string, string>): Promise<Answer> {
  const response = await postGraphQL(gateway.graphqlUrl, { query: QUERY }, headers);
  expect(response.status).toBe(200);
  const body = response.body as Answer;
  expect(body.data).toEqual({ thing: { id: '1', name: 'one', extra: 'extra 1' } });
  return body;
}

function lastHeaders(): Record<string, unknown>[] {
  return [things, extras].map((subgraph) => ({ ...subgraph.operations().at(-1)?.headers }));
}

describe.each(['gatehouse', 'apollo'] as const)('query plans and subgraph calls (%s executor)', (engine) => {
  const start = (overrides: Record<string, unknown>) =>
    startTestGateway([things, extras], { execution: { engine }, headers: PROPAGATE_ALL, ...overrides });

  it('are answered in stage dev, to anyone who asks', async () => {
    const gateway = await start({});
    try {
      const plain = await ask(gateway, {});
      expect(plain.extensions).toBeUndefined();

      const planned = await ask(gateway, { ...PLAN, ...CALLS });
      expect(planned.extensions?.__queryPlanExperimental).toMatch(
        /^QueryPlan \{[\s\S]*Fetch\(service: "extras"\)/,
      );
      const calls = planned.extensions?.gatehouse?.subgraphs ?? [];
      expect(calls.map((call) => call.subgraph)).toEqual(['things', 'extras']);
      for (const call of calls)
        expect(call).toEqual(expect.objectContaining({ durationMs: expect.any(Number) }));

      const callsOnly = await ask(gateway, CALLS);
      expect(callsOnly.extensions?.__queryPlanExperimental).toBeUndefined();
      expect(callsOnly.extensions?.gatehouse?.subgraphs).toHaveLength(2);
    } finally {
      await gateway.close();
    }
  });

  it('are answered in stage prod only to a valid admin token, which never reaches a subgraph', async () => {
    const gateway = await start({ stage: 'prod', registry: { tokens: [ADMIN_TOKEN] } });
    try {
      const refused = await ask(gateway, { ...PLAN, ...CALLS });
      expect(refused.extensions).toBeUndefined();
      // The request ran as if it had not asked: the subgraphs did not see the headers either.
      for (const headers of lastHeaders()) {
        expect(headers['apollo-query-plan-experimental']).toBeUndefined();
        expect(headers['gatehouse-debug']).toBeUndefined();
      }

      const wrong = await ask(gateway, {
        ...PLAN,
        ...CALLS,
        'gatehouse-admin-token': 'not-an-admin-token-0123',
      });
      expect(wrong.extensions).toBeUndefined();
      for (const headers of lastHeaders()) expect(headers['gatehouse-admin-token']).toBeUndefined();

      const allowed = await ask(gateway, { ...PLAN, ...CALLS, ...WITH_TOKEN });
      expect(allowed.extensions?.__queryPlanExperimental).toMatch(/^QueryPlan \{/);
      expect(allowed.extensions?.gatehouse?.subgraphs.map((call) => call.subgraph)).toEqual([
        'things',
        'extras',
      ]);
      for (const headers of lastHeaders()) expect(headers['gatehouse-admin-token']).toBeUndefined();

      // `Bearer <token>` is accepted too.
      const bearer = await ask(gateway, { ...PLAN, 'gatehouse-admin-token': `Bearer ${ADMIN_TOKEN.token}` });
      expect(bearer.extensions?.__queryPlanExperimental).toMatch(/^QueryPlan \{/);
    } finally {
      await gateway.close();
    }
  });

  it('are never answered in stage prod without admin tokens', async () => {
    const gateway = await start({ stage: 'prod' });
    try {
      expect((await ask(gateway, { ...PLAN, ...CALLS, ...WITH_TOKEN })).extensions).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });
});

it('needs the admin token in a stage where exposeQueryPlans is off, even outside prod', async () => {
  const gateway = await startTestGateway([things, extras], {
    stage: 'test',
    exposeQueryPlans: false,
    registry: { tokens: [ADMIN_TOKEN] },
  });
  try {
    expect((await ask(gateway, PLAN)).extensions).toBeUndefined();
    expect((await ask(gateway, { ...PLAN, ...WITH_TOKEN })).extensions?.__queryPlanExperimental).toMatch(
      /^QueryPlan/,
    );
  } finally {
    await gateway.close();
  }
});

import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postQuery, useAccountsSupergraph, withTwoWorkers } from '../helpers/workers.js';

/*
 * `gatehouse serve --workers 2`: with `security.apq.store: redis` a query registered through one
 * worker is served by the other; with the default memory store each worker keeps its own.
 */

const QUERY = 'query Me { me { id } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const BY_HASH = { extensions: { persistedQuery: { version: 1, sha256Hash: HASH } } };
const REGISTER = { query: QUERY, ...BY_HASH };

type Outcome = 'served' | 'not found';

async function askByHash(graphqlUrl: string): Promise<Outcome> {
  // A fresh connection each time: the cluster hands new connections to the workers in turn.
  const answer = await postQuery(graphqlUrl, BY_HASH);
  expect(answer.status, answer.body).toBe(200);
  const body = JSON.parse(answer.body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  if (body.data !== undefined) return 'served';
  expect(body.errors?.[0]?.extensions?.code, answer.body).toBe('PERSISTED_QUERY_NOT_FOUND');
  return 'not found';
}

describe('APQ with gatehouse serve --workers 2', () => {
  const graph = useAccountsSupergraph('gatehouse-apq-workers-');
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect();
  });
  afterAll(() => redis.disconnect());

  it('shares registered queries through Redis: registered on one worker, served by the other', async () => {
    const name = `test:apq-workers:${randomUUID()}`;
    const config = join(graph().dir, 'apq-redis.yaml');
    writeFileSync(
      config,
      `security:\n  apq:\n    store: redis\nredis:\n  url: redis://127.0.0.1:6379\n  keyPrefix: "${name}:"\n`,
    );
    /** The workers' Redis connections (named after the key prefix) and the last command each sent. */
    const workerCommands = async () =>
      String(await redis.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${name} `))
        .map((line) => /\bcmd=(\S+)/.exec(line)?.[1]);
    try {
      await withTwoWorkers(
        graph().supergraph,
        async (graphqlUrl) => {
          expect(await workerCommands()).toHaveLength(2);
          expect(await askByHash(graphqlUrl)).toBe('not found');
          const registered = await postQuery(graphqlUrl, REGISTER);
          expect(JSON.parse(registered.body)).toEqual({ data: { me: { id: expect.any(String) } } });
          await expect.poll(() => redis.get(`${name}:apq:${HASH}`)).toBe(QUERY);
          // Ask until both workers have looked the hash up in Redis: every answer is the query's.
          for (let attempt = 0; attempt < 20; attempt++) {
            expect(await askByHash(graphqlUrl)).toBe('served');
            if ((await workerCommands()).every((command) => command === 'get')) break;
          }
          expect(await workerCommands()).toEqual(['get', 'get']);
        },
        ['--config', config],
      );
    } finally {
      const keys = await redis.keys(`${name}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }, 120_000);

  it('keeps registered queries per process with the memory store (the default)', async () => {
    await withTwoWorkers(graph().supergraph, async (graphqlUrl) => {
      const registered = await postQuery(graphqlUrl, REGISTER);
      expect(registered.status, registered.body).toBe(200);
      // Until each worker has answered: the one that registered serves it, the other does not know it.
      const outcomes = new Set<Outcome>();
      for (let attempt = 0; attempt < 20 && outcomes.size < 2; attempt++)
        outcomes.add(await askByHash(graphqlUrl));
      expect([...outcomes].sort()).toEqual(['not found', 'served']);
    });
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { startAuthorizerServer, type AuthorizerServer } from '../helpers/authorizer-server.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';

const QUERY = { query: '{ me { username } }' };
const TIMEOUT_MS = 1_000;

let accounts: RunningService;
let authorizer: AuthorizerServer;
let gateway: RunningGateway;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  authorizer = await startAuthorizerServer({ slowMs: 3_000 });
  gateway = await startTestGateway([accounts], {
    auth: {
      authorizer: {
        url: authorizer.url,
        headers: ['authorization', 'x-tenant'],
        cacheKey: ['authorization', 'x-tenant'],
        cacheTtlMs: 60_000,
        timeoutMs: TIMEOUT_MS,
      },
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([accounts?.close(), authorizer?.close()]);
});

const callsFor = (token: string) =>
  authorizer.calls.filter((call) => call.headers.authorization === `Token ${token}`).length;

describe('an external authorizer through HTTP', () => {
  it('lets an allowed request through, sending only the configured headers', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, {
      authorization: 'Token alice',
      'x-tenant': 'acme',
      cookie: 'secret=do-not-send',
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ data: { me: { username: expect.any(String) } } });
    const call = authorizer.calls.find((entry) => entry.headers.authorization === 'Token alice');
    expect(call).toEqual({ headers: { authorization: 'Token alice', 'x-tenant': 'acme' } });
  });

  it.each([
    ['denies', 'denied'],
    ['answers 403', 'forbidden'],
  ])('refuses with 401 when the authorizer %s', async (_how, token) => {
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: `Token ${token}` });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      errors: [{ message: 'request denied by the authorizer', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('reuses a decision for the same cache-key headers, and asks again for different ones', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token bob' })).status).toBe(200);
    }
    expect(callsFor('bob')).toBe(1);
    await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token bob', 'x-tenant': 'other' });
    expect(callsFor('bob')).toBe(2);
    // Denials are cached too.
    const before = callsFor('denied');
    await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token denied' });
    expect(callsFor('denied')).toBe(before);
  });

  it('asks once for concurrent identical requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token carol' }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(callsFor('carol')).toBe(1);
  });

  it('answers 503 AUTHORIZER_UNAVAILABLE after the timeout when the authorizer is slow, and does not cache it', async () => {
    const started = Date.now();
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token slow' });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      errors: [
        {
          message: 'The external authorizer could not be reached or did not answer in time.',
          extensions: { code: 'AUTHORIZER_UNAVAILABLE' },
        },
      ],
    });
    await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token slow' });
    expect(callsFor('slow')).toBe(2);
  });

  it('answers 503 when the authorizer fails', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Token broken' });
    expect(response.status).toBe(503);
  });

  it('does not ask about a request that carries none of its headers', async () => {
    const before = authorizer.calls.length;
    expect((await postGraphQL(gateway.graphqlUrl, QUERY)).status).toBe(200);
    expect(authorizer.calls.length).toBe(before);
  });
});

import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';

// A stand-in for a broken "reviews" service: it composes (its SDL is served correctly) but its
// answers to real queries are slow, garbage or errors, depending on the `mode`.
const reviewsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type User @key(fields: "id") { id: ID! reviewCount: Int }
`;
let mode: 'slow' | 'garbage' | 'status-500' | 'html-200' = 'slow';

async function startBrokenReviews(): Promise<{ url: string; app: FastifyInstance }> {
  const app = Fastify();
  app.post('/graphql', async (request, reply) => {
    const { query } = request.body as { query: string };
    if (query.includes('_service')) return { data: { _service: { sdl: reviewsSdl } } };
    switch (mode) {
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        return { data: { _entities: [] } };
      case 'garbage':
        return reply.type('application/json').send('{"data": [1, 2');
      case 'status-500':
        return reply.code(500).type('text/plain').send('upstream exploded at /srv/internal/path');
      case 'html-200':
        return reply.type('text/html').send('<html>maintenance</html>');
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`,
    app,
  };
}

let accounts: RunningService;
let reviews: { url: string; app: FastifyInstance };
let gateway: RunningGateway;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  reviews = await startBrokenReviews();
  // Per-subgraph timeouts come from config: reviews gets 300 ms.
  gateway = await startTestGateway([], {
    subgraphs: [
      { name: 'accounts', url: accounts.url },
      { name: 'reviews', url: reviews.url, timeoutMs: 300 },
    ],
  });
});

afterAll(async () => {
  await gateway?.close();
  await reviews?.app.close();
  await accounts?.close();
});

const query = '{ me { id username reviewCount } }';

function expectPartialWithError(body: unknown, code: string, message: RegExp) {
  expect(body).toMatchObject({
    data: { me: { id: '1', username: expect.any(String), reviewCount: null } },
    errors: [{ message: expect.stringMatching(message), extensions: { code, serviceName: 'reviews' } }],
  });
  const text = JSON.stringify(body);
  expect(text).not.toContain('127.0.0.1');
  expect(text).not.toContain('/srv/internal');
  expect(text).not.toMatch(/stacktrace|\.js:\d+/);
}

describe('a subgraph that misbehaves', () => {
  it('that is slow: the other data comes back, with SUBGRAPH_UNAVAILABLE naming it', async () => {
    mode = 'slow';
    const started = Date.now();
    const response = await postGraphQL(gateway.graphqlUrl, { query });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(response.status).toBe(200);
    expectPartialWithError(response.body, 'SUBGRAPH_UNAVAILABLE', /"reviews" did not answer within 300 ms/);
  });

  it('that answers invalid JSON: SUBGRAPH_BAD_RESPONSE', async () => {
    mode = 'garbage';
    const response = await postGraphQL(gateway.graphqlUrl, { query });
    expectPartialWithError(response.body, 'SUBGRAPH_BAD_RESPONSE', /not a GraphQL response/);
  });

  it('that answers HTML with 200: SUBGRAPH_BAD_RESPONSE', async () => {
    mode = 'html-200';
    const response = await postGraphQL(gateway.graphqlUrl, { query });
    expectPartialWithError(response.body, 'SUBGRAPH_BAD_RESPONSE', /HTTP 200/);
  });

  it('that fails with 500 and a text body: SUBGRAPH_UNAVAILABLE, body not leaked', async () => {
    mode = 'status-500';
    const response = await postGraphQL(gateway.graphqlUrl, { query });
    expectPartialWithError(response.body, 'SUBGRAPH_UNAVAILABLE', /HTTP 500/);
  });

  it('that is down: partial data; and 502 when nothing at all could be fetched', async () => {
    await reviews.app.close();
    const partial = await postGraphQL(gateway.graphqlUrl, { query });
    expect(partial.status).toBe(200);
    expectPartialWithError(
      partial.body,
      'SUBGRAPH_UNAVAILABLE',
      /"reviews" could not be reached \(connection refused\)/,
    );
    await accounts.close();
    const nothing = await postGraphQL(gateway.graphqlUrl, { query: '{ me { id } }' });
    expect(nothing.status).toBe(502);
    expect(nothing.body).toEqual({
      data: { me: null },
      errors: [
        {
          message: 'Subgraph "accounts" could not be reached (connection refused).',
          extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'accounts' },
        },
      ],
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, readResponse, startTestGateway } from '../helpers/gateway.js';

let accounts: RunningService;
let gateway: RunningGateway;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  gateway = await startTestGateway([accounts], { server: { port: 0, bodyLimitBytes: 2048 } });
});

afterAll(async () => {
  await gateway?.close();
  await accounts?.close();
});

function expectError(body: unknown, code: string, message?: RegExp) {
  const errors = (body as { errors?: { message: string; extensions?: { code?: string } }[] }).errors;
  expect(errors, JSON.stringify(body)).toHaveLength(1);
  expect(errors?.[0]?.extensions?.code).toBe(code);
  if (message) expect(errors?.[0]?.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.js:\d+|127\.0\.0\.1/);
}

describe('the HTTP edge', () => {
  it('answers a valid query over POST', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ me { username } }' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { me: { username: expect.any(String) } } });
  });

  it('answers a query over GET with the preflight header', async () => {
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`;
    const response = await readResponse(
      await fetch(url, { headers: { 'apollo-require-preflight': 'true' } }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { me: { id: '1' } } });
  });

  it('rejects invalid JSON with 400', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, '{"query": ');
    expect(response.status).toBe(400);
    expectError(response.body, 'INVALID_JSON');
  });

  it('rejects an empty JSON body with 400', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, '');
    expect(response.status).toBe(400);
    expectError(response.body, 'INVALID_JSON', /empty/);
  });

  it('rejects a request without a query with 400', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { variables: {} });
    expect(response.status).toBe(400);
    expectError(response.body, 'MISSING_QUERY');
  });

  it('rejects an unknown operationName with 400', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: 'query A { me { id } }',
      operationName: 'B',
    });
    expect(response.status).toBe(400);
    expectError(response.body, 'OPERATION_RESOLUTION_FAILURE', /B/);
  });

  it('rejects a mutation over GET with 405', async () => {
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('mutation { __typename }')}`;
    const response = await readResponse(
      await fetch(url, { headers: { 'apollo-require-preflight': 'true' } }),
    );
    expect(response.status).toBe(405);
    expectError(response.body, 'METHOD_NOT_ALLOWED');
  });

  it('rejects a body over the configured limit with 413', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: `{ me { id } } # ${'x'.repeat(4096)}` });
    expect(response.status).toBe(413);
    expectError(response.body, 'PAYLOAD_TOO_LARGE');
  });

  it('rejects an unsupported content type with 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const response = await postGraphQL(gateway.graphqlUrl, '{ me { id } }', { 'content-type': type });
      expect(response.status, type).toBe(415);
      expectError(response.body, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('blocks a simple GET request without a preflight header (CSRF prevention)', async () => {
    const response = await readResponse(
      await fetch(`${gateway.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`),
    );
    expect(response.status).toBe(400);
    expectError(response.body, 'CSRF_PREVENTED');
  });

  it('rejects a syntax error and an invalid field with 400 and GraphQL codes', async () => {
    const parse = await postGraphQL(gateway.graphqlUrl, { query: '{ me { id ' });
    expect(parse.status).toBe(400);
    expectError(parse.body, 'GRAPHQL_PARSE_FAILED');
    const validation = await postGraphQL(gateway.graphqlUrl, { query: '{ me { nope } }' });
    expect(validation.status).toBe(400);
    expectError(validation.body, 'GRAPHQL_VALIDATION_FAILED', /nope/);
  });

  it('answers 405 for other methods and 404 for unknown paths, GraphQL-shaped', async () => {
    const put = await readResponse(await fetch(gateway.graphqlUrl, { method: 'PUT' }));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expectError(put.body, 'METHOD_NOT_ALLOWED');
    const missing = await readResponse(await fetch(`${gateway.url}/nope`));
    expect(missing.status).toBe(404);
    expectError(missing.body, 'NOT_FOUND');
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const ready = await readResponse(await fetch(`${gateway.url}/ready`));
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { resolveConfig } from '../../src/config/load.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { postGraphQL } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import { ACCOUNTS_SDL, accounts } from './authorization/subgraphs.js';

/**
 * Identity and authorization through the real gateway, as `gatehouse serve` runs it: a JWT
 * becomes the principal, directives remove what it may not see before planning, and only the
 * gateway's own claim headers reach the subgraph.
 */
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://issuer.test';

interface Seen {
  query: string;
  headers: IncomingHttpHeaders;
}

let service: RunningService;
let proxy: Server;
let gateway: RunningGateway;
const seen: Seen[] = [];

beforeAll(async () => {
  service = await serveSubgraph(accounts);
  proxy = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      seen.push({ query: (JSON.parse(body) as { query: string }).query, headers: request.headers });
      fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (answer) => response.writeHead(answer.status).end(await answer.text()))
        .catch(() => response.writeHead(502).end());
    });
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  const supergraphSdl = composeSupergraph([
    { name: 'accounts', url: proxyUrl, sdl: ACCOUNTS_SDL, origin: 'accounts' },
  ]);
  const config = resolveConfig(
    {
      server: { port: 0 },
      logging: { level: 'silent' },
      supergraph: 'composed-in-test.graphql',
      store: { sqlite: ':memory:' },
      auth: {
        jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] },
        forwardClaims: [{ claim: 'subject', header: 'x-user-id' }],
      },
    },
    { env: {}, source: 'test config' },
  );
  gateway = await startGateway({ config, supergraphSdl });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await service?.close();
});

beforeEach(() => {
  seen.length = 0;
});

const bearer = (subject: string) => ({
  authorization: `Bearer ${signHs256(SECRET, {}, { issuer: ISSUER, subject })}`,
});

describe('auth through the gateway', () => {
  it('removes an @authenticated field for an anonymous caller and never asks the subgraph for it', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ motd me { id } }' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { motd: 'hello', me: null },
      errors: [
        {
          message: 'Unauthorized field or type',
          path: ['me'],
          extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
        },
      ],
    });
    expect(seen.map((request) => request.query).join('\n')).not.toMatch(/\bme\b/);
  });

  it('rejects with 403 and calls no subgraph when nothing is left to run', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ me { id } }' });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(seen).toEqual([]);
  });

  it('serves a verified caller and forwards its subject, never the client-sent header', async () => {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ me { id name } }' },
      { ...bearer('u1'), 'x-user-id': 'admin' },
    );
    expect(response.body).toEqual({ data: { me: { id: 'u1', name: 'Ada' } } });
    expect(seen.map((request) => request.headers['x-user-id'])).toEqual(['u1']);
  });

  it('strips a forged claim header from an anonymous request', async () => {
    await postGraphQL(gateway.graphqlUrl, { query: '{ motd }' }, { 'x-user-id': 'admin' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['x-user-id']).toBeUndefined();
  });

  it('answers 401 for a bad token without echoing it', async () => {
    const token = signHs256('not-the-secret-but-long-enough-to-sign-with', {}, { issuer: ISSUER });
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ motd }' },
      { authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(JSON.stringify(response.body)).not.toContain(token);
    expect(seen).toEqual([]);
  });
});

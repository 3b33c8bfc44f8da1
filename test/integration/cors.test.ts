import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { startTestGateway } from '../helpers/gateway.js';

const APP = 'https://app.example.com';
const QUERY = JSON.stringify({ query: '{ me { id } }' });

let accounts: RunningService;
let gateway: RunningGateway;
let plain: RunningGateway;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  [gateway, plain] = await Promise.all([
    startTestGateway([accounts], {
      cors: { origins: [APP], credentials: true, exposedHeaders: ['x-request-id'], maxAgeSec: 300 },
    }),
    startTestGateway([accounts]),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.close(), plain?.close()]);
  await accounts?.close();
});

const preflight = (target: RunningGateway, origin: string) =>
  fetch(target.graphqlUrl, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });

const post = (target: RunningGateway, origin: string) =>
  fetch(target.graphqlUrl, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: QUERY,
  });

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await preflight(gateway, APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-max-age')).toBe('300');
  });

  it('marks the actual request from an allowed origin', async () => {
    const response = await post(gateway, APP);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { id: expect.any(String) } } });
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('gives another origin no CORS headers, so its browser keeps the answer from the page', async () => {
    for (const response of [
      await preflight(gateway, 'https://evil.example'),
      await post(gateway, 'https://evil.example'),
    ]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('still serves the sandbox’s own origin, which needs no CORS', async () => {
    const response = await post(gateway, gateway.url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { id: expect.any(String) } } });
  });

  it('is off unless configured', async () => {
    const response = await post(plain, APP);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(plain, APP)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses credentials with any origin, naming the field', async () => {
    await expect(
      startTestGateway([accounts], { cors: { origins: ['*'], credentials: true } }),
    ).rejects.toThrow(/Invalid/);
  });
});

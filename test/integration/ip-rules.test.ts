import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { startRegistry } from '../../src/cli/registry.js';
import { resolveConfig } from '../../src/config/load.js';
import type { RunningGateway } from '../../src/server/start.js';
import { freePort } from '../helpers/free-port.js';
import { readResponse, startTestGateway } from '../helpers/gateway.js';

/*
 * IP rules per route group, as a client (or the proxy in front of it) meets them: the address is
 * read from X-Forwarded-For only when the request comes from a trusted proxy.
 */

let accounts: RunningService;
const dirs: string[] = [];

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
});

afterAll(async () => {
  await accounts?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const QUERY = JSON.stringify({ query: '{ me { id } }' });

/** A request as the proxy forwards it, saying the client is `client` (or as a client sends it). */
async function call(url: string, client?: string, init: RequestInit = {}) {
  const forwarded: Record<string, string> = client === undefined ? {} : { 'x-forwarded-for': client };
  const headers = { ...forwarded, ...(init.headers as Record<string, string> | undefined) };
  return readResponse(await fetch(url, { ...init, headers }));
}

const graphql = (gateway: RunningGateway, client?: string) =>
  call(gateway.graphqlUrl, client, {
    method: 'POST',
    body: QUERY,
    headers: { 'content-type': 'application/json' },
  });

function expectRefused(response: { status: number; body: unknown }, address: string, group: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(403);
  expect(response.body).toEqual({
    errors: [
      {
        message: `Requests from ${address} are not allowed on /${group}.`,
        extensions: { code: 'IP_NOT_ALLOWED' },
      },
    ],
  });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ip-rules-'));
  dirs.push(dir);
  return dir;
}

describe('behind a trusted proxy', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([accounts], {
      server: { port: 0, trustedProxies: ['127.0.0.1'] },
      registry: { embedded: true },
      store: { sqlite: join(tempDir(), 'registry.db') },
      security: {
        ipRules: {
          graphql: { allow: ['203.0.113.0/24', '2001:db8::/32'], deny: ['203.0.113.66'] },
          admin: { allow: ['198.51.100.7'] },
          registry: { deny: ['192.0.2.0/24'] },
          metrics: { allow: ['10.0.0.0/8'] },
        },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('serves /graphql to an allowed client and refuses a denied one, naming its address', async () => {
    expect((await graphql(gateway, '203.0.113.5')).status).toBe(200);
    expect((await graphql(gateway, '2001:db8::5')).status).toBe(200);
    // Deny wins over allow.
    expectRefused(await graphql(gateway, '203.0.113.66'), '203.0.113.66', 'graphql');
    // Not in the allow list.
    expectRefused(await graphql(gateway, '198.51.100.7'), '198.51.100.7', 'graphql');
  });

  it('matches an IPv4-mapped IPv6 address against IPv4 rules', async () => {
    expect((await graphql(gateway, '::ffff:203.0.113.5')).status).toBe(200);
    expectRefused(await graphql(gateway, '::ffff:203.0.113.66'), '::ffff:203.0.113.66', 'graphql');
  });

  it('reads the client, not a proxy the client put in front of the trusted one', async () => {
    // The trusted proxy appends the address it saw; what the client wrote before it is not trusted.
    expectRefused(await graphql(gateway, '203.0.113.5, 198.51.100.9'), '198.51.100.9', 'graphql');
  });

  it('applies the admin rule to the dashboard and its API, however the path is written', async () => {
    expect((await call(`${gateway.url}/admin/api/stats`, '198.51.100.7')).status).toBe(200);
    expectRefused(await call(`${gateway.url}/admin/api/stats`, '203.0.113.5'), '203.0.113.5', 'admin');
    expect([403, 404]).toContain((await call(`${gateway.url}/admin/`, '203.0.113.5')).status);
    const encoded = await call(`${gateway.url}/%61dmin/api/stats`, '203.0.113.5');
    expect([403, 404]).toContain(encoded.status);
  });

  it('applies the registry rule to its API', async () => {
    expect((await call(`${gateway.url}/registry/v1/stages`, '203.0.113.5')).status).toBe(200);
    expectRefused(await call(`${gateway.url}/registry/v1/stages`, '192.0.2.9'), '192.0.2.9', 'registry');
  });

  it('applies the metrics rule to /metrics on the gateway port', async () => {
    expect((await call(`${gateway.url}/metrics`, '10.1.2.3')).status).toBe(200);
    expectRefused(await call(`${gateway.url}/metrics`, '203.0.113.5'), '203.0.113.5', 'metrics');
  });

  it('refuses what the proxy forwarded when it is not an address, without echoing it', async () => {
    expectRefused(await graphql(gateway, '<script>'), 'an unreadable address', 'graphql');
  });

  it('leaves the routes no rule names alone', async () => {
    expect((await call(`${gateway.url}/health`, '192.0.2.9')).status).toBe(200);
  });
});

describe('from an untrusted peer', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([accounts], {
      // Loopback is not the proxy: its X-Forwarded-For is the client's own word.
      server: { port: 0, trustedProxies: ['10.9.9.9'] },
      security: {
        ipRules: {
          graphql: { deny: ['127.0.0.0/8', '::1'] },
          admin: { allow: ['127.0.0.1', '::1'] },
        },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('ignores a forged X-Forwarded-For that would get a denied client in', async () => {
    expectRefused(await graphql(gateway, '203.0.113.5'), '127.0.0.1', 'graphql');
  });

  it('ignores a forged X-Forwarded-For that would keep an allowed client out', async () => {
    expect((await call(`${gateway.url}/admin/api/stats`, '203.0.113.5')).status).toBe(200);
  });
});

describe('on the metrics port', () => {
  let gateway: RunningGateway;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    gateway = await startTestGateway([accounts], {
      telemetry: { metrics: { port } },
      security: { ipRules: { metrics: { deny: ['127.0.0.0/8'] } } },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('applies the metrics rule to the address of the connection', async () => {
    expectRefused(await call(metricsUrl), '127.0.0.1', 'metrics');
    // The rule is the metrics', not the gateway's.
    expect((await graphql(gateway)).status).toBe(200);
  });
});

describe('on the registry served on its own (gatehouse registry)', () => {
  it('applies the registry rule, behind the trusted proxy', async () => {
    const config = resolveConfig(
      {
        logging: { level: 'silent' },
        store: { sqlite: join(tempDir(), 'registry.db') },
        server: { trustedProxies: ['127.0.0.1'] },
        security: { ipRules: { registry: { allow: ['10.0.0.0/8'] } } },
      },
      { env: {}, source: 'test config' },
    );
    const registry = await startRegistry(config, { port: 0, host: '127.0.0.1' });
    try {
      expect((await call(`${registry.url}/registry/v1/stages`, '10.1.1.1')).status).toBe(200);
      expectRefused(
        await call(`${registry.url}/registry/v1/stages`, '203.0.113.5'),
        '203.0.113.5',
        'registry',
      );
      expect((await call(`${registry.url}/health`, '203.0.113.5')).status).toBe(200);
    } finally {
      await registry.close();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { assemblePlugins, type AssembleOptions } from '../../../src/pipeline/assemble.js';
import type { GatewayPlugin } from '../../../src/pipeline/plugin.js';
import { createResources, type OwnedResources } from '../../../src/pipeline/resources.js';

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
let resources: OwnedResources | undefined;
let plugins: GatewayPlugin[] = [];

afterEach(async () => {
  for (const plugin of plugins.reverse()) await plugin.dispose?.();
  plugins = [];
  await resources?.dispose();
  resources = undefined;
});

async function pluginNames(
  raw: Record<string, unknown>,
  level = 'info',
  options: AssembleOptions = {},
): Promise<string[]> {
  const config = resolveConfig(raw, { env: {} });
  resources = await createResources(config, pino({ level }));
  plugins = await assemblePlugins(config, resources, { draining: () => false }, options);
  return plugins.map((plugin) => plugin.name);
}

/** A usage destination that keeps nothing: the list only needs to know there is one. */
const usageSink = async () => {};

describe('the plugin list', () => {
  it('for an empty config: only what is always on, edge to telemetry', async () => {
    expect(await pluginNames({})).toEqual([
      'observe-request',
      'drain',
      'csrf-prevention',
      'request-limits',
      'query-plan-access',
      'apq',
      'operation-limits',
      'demand-control',
      'operation-resolution',
      'authorization',
      'inflight-dedupe',
      'subgraph-failure-log',
      'subgraph-failure-status',
      'observe-operation',
      'metrics',
      'dashboard',
      'access-log',
    ]);
  });

  it('leaves out in-flight de-duplication when transport.dedupeInflight is false', async () => {
    expect(await pluginNames({ transport: { dedupeInflight: false } })).not.toContain('inflight-dedupe');
  });

  it('leaves out the access log when info lines are not written', async () => {
    expect(await pluginNames({}, 'warn')).not.toContain('access-log');
  });

  it('reports usage, last before the access log, only when given where to send it', async () => {
    expect(await pluginNames({})).not.toContain('usage-reporting');
    expect((await pluginNames({}, 'info', { usageSink })).slice(-3)).toEqual([
      'dashboard',
      'usage-reporting',
      'access-log',
    ]);
    expect((await pluginNames({}, 'warn', { usageSink })).at(-1)).toBe('usage-reporting');
  });

  it('leaves out traffic control without plans or rules', async () => {
    expect(await pluginNames({})).not.toContain('traffic');
  });

  it('leaves out each protection that is switched off', async () => {
    const names = await pluginNames({
      security: { limits: { mode: 'off' }, cost: { mode: 'off' }, apq: { enabled: false } },
    });
    for (const name of ['operation-limits', 'demand-control', 'apq', 'trusted-documents', 'ip-rules'])
      expect(names).not.toContain(name);
  });

  it('for a full config: every feature, in the order edge, identity, traffic, security, authorization, execution, telemetry, usage', async () => {
    const manifestDir = mkdtempSync(join(tmpdir(), 'gatehouse-assemble-'));
    const manifest = join(manifestDir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ abc: 'query Q { __typename }' }));
    onTestFinished(() => rmSync(manifestDir, { recursive: true, force: true }));
    expect(
      await pluginNames(
        {
          introspection: false,
          registry: { tokens: [{ name: 'ops', token: 'an-admin-token-of-enough-length' }] },
          security: {
            ipRules: { admin: { allow: ['10.0.0.0/8'] } },
            trustedDocuments: { mode: 'log', manifests: [manifest] },
          },
          cors: { origins: ['https://app.example.com'] },
          store: { sqlite: ':memory:' },
          auth: {
            jwt: { issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] },
            apiKeys: {},
            authorizer: { url: 'http://127.0.0.1:9/authorize' },
            forwardClaims: [{ claim: 'subject', header: 'x-user-id' }],
          },
          headers: { all: [{ propagate: { named: 'x-request-id' } }] },
          transport: {
            retries: { all: { enabled: true } },
            circuitBreaker: { all: { enabled: true } },
          },
          traffic: { plans: { free: { rate: '10/s' } }, defaultPlan: 'free' },
        },
        'info',
        { usageSink },
      ),
    ).toEqual([
      'observe-request',
      'drain',
      'cors',
      'csrf-prevention',
      'ip-rules',
      'request-limits',
      'admin-token',
      'query-plan-access',
      'identity',
      'traffic',
      'trusted-documents',
      'apq',
      'operation-limits',
      'introspection-access',
      'demand-control',
      'operation-resolution',
      'authorization',
      'header-rules',
      'inflight-dedupe',
      'subgraph-failure-log',
      'retries',
      'circuit-breaker',
      'subgraph-failure-status',
      'observe-operation',
      'metrics',
      'dashboard',
      'usage-reporting',
      'access-log',
    ]);
  });

  it('with telemetry off and only warnings logged, nothing observes requests', async () => {
    const names = await pluginNames(
      { telemetry: { metrics: { enabled: false }, dashboard: { enabled: false } } },
      'warn',
    );
    for (const name of ['observe-request', 'observe-operation', 'metrics', 'dashboard', 'access-log'])
      expect(names).not.toContain(name);
  });
});

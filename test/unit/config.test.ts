import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../../src/config/load.js';
import { UserFacingError } from '../../src/errors.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof UserFacingError) return [error.message, ...error.details];
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration', () => {
  it('fills defaults and decides stage-dependent ones', () => {
    const dev = resolveConfig(
      { subgraphs: [{ name: 'a', url: 'http://127.0.0.1:4001/graphql' }] },
      { env: {} },
    );
    expect(dev.stage).toBe('dev');
    expect(dev.server).toEqual({
      host: '127.0.0.1',
      port: 4000,
      bodyLimitBytes: 1_048_576,
      shutdownTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      connectionTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
      trustedProxies: [],
    });
    expect(dev.logging).toEqual({ level: 'info', subject: true, redactHeaders: [], redactVariables: [] });
    expect(dev.introspection).toBe(true);
    expect(dev.sandbox).toBe(true);
    expect(dev.exposeQueryPlans).toBe(true);
    const prod = resolveConfig({}, { env: { GATEHOUSE_STAGE: 'prod' } });
    expect(prod.stage).toBe('prod');
    expect(prod.introspection).toBe(false);
    expect(prod.sandbox).toBe(false);
    expect(prod.exposeQueryPlans).toBe(false);
    // Query plans, like introspection and the sandbox, are on outside production stages.
    expect(resolveConfig({}, { env: { GATEHOUSE_STAGE: 'test' } }).exposeQueryPlans).toBe(true);
    expect(Object.isFrozen(prod.server)).toBe(true);
  });

  it('applies the chosen stage overlay, with --stage winning over GATEHOUSE_STAGE', () => {
    const raw = {
      server: { port: 4000 },
      stages: { prod: { server: { port: 8080 }, sandbox: true }, test: { server: { port: 9 } } },
    };
    const config = resolveConfig(raw, { stage: 'prod', env: { GATEHOUSE_STAGE: 'test' } });
    expect(config.server.port).toBe(8080);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.sandbox).toBe(true);
    expect(resolveConfig(raw, { env: { GATEHOUSE_STAGE: 'test' } }).server.port).toBe(9);
  });

  it('interpolates ${env:NAME} with optional fallbacks and coerces their types', () => {
    const config = resolveConfig(
      { server: { port: '${env:PORT}', host: '${env:HOST:-0.0.0.0}' }, introspection: '${env:INTRO}' },
      { env: { PORT: '5000', INTRO: 'false' } },
    );
    expect(config.server.port).toBe(5000);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.introspection).toBe(false);
  });

  it('names the field of an unset environment variable', () => {
    expect(problemsOf(() => resolveConfig({ server: { port: '${env:NOPE}' } }, { env: {} }))).toContain(
      'server.port: environment variable NOPE is not set',
    );
  });

  it('rejects unknown keys and wrong types with the path of each field', () => {
    const problems = problemsOf(() =>
      resolveConfig(
        { server: { port: 'abc', prot: 1 }, subgraphs: [{ name: 'a', url: 'ftp://x' }], extra: true },
        { env: {}, source: 'gatehouse.yaml' },
      ),
    );
    expect(problems[0]).toBe('Invalid gatehouse.yaml (stage "dev"):');
    expect(problems).toContain('server.port: expected an integer');
    expect(problems).toContain('server.prot: unknown key');
    expect(problems).toContain('subgraphs[0].url: expected an http(s) URL');
    expect(problems).toContain('extra: unknown key');
  });

  it('rejects duplicate subgraphs and a supergraph given together with subgraphs', () => {
    const problems = problemsOf(() =>
      resolveConfig(
        {
          supergraph: 'x.graphql',
          subgraphs: [
            { name: 'a', url: 'http://x/graphql' },
            { name: 'a', url: 'http://y' },
          ],
        },
        { env: {} },
      ),
    );
    expect(problems).toContain('supergraph: set either `supergraph` or `subgraphs`, not both');
    expect(problems).toContain('subgraphs[1].name: duplicate subgraph name "a"');
  });

  it('reads YAML files, resolves paths against the file and reports YAML syntax errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
    const good = join(dir, 'gatehouse.yaml');
    writeFileSync(
      good,
      'subgraphs:\n  - name: a\n    url: http://127.0.0.1:1/graphql\n    schema: a.graphql\n',
    );
    const config = await loadConfigFile(good, { env: {} });
    expect(config.subgraphs[0]?.schema).toBe(join(dir, 'a.graphql'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server:\n  port: [1, 2\n');
    await expect(loadConfigFile(bad, { env: {} })).rejects.toThrow(/is not valid YAML/);
    await expect(loadConfigFile(join(dir, 'missing.yaml'))).rejects.toThrow(
      /Cannot read config file .*ENOENT/,
    );
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, VersionSummary } from '../../src/registry/types.js';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli, type CliProcess, type CliRun } from '../helpers/cli.js';
import { TEST_POSTGRES_URL } from '../helpers/postgres.js';
import {
  callApi,
  ENGINES,
  SDL,
  testStoreConfig,
  TOKENS,
  type TestStoreConfig,
} from '../helpers/registry-api.js';

/*
 * The registry as a team runs it: `gatehouse registry` as a process on a store (a SQLite file, or a
 * PostgreSQL schema of its own), and the `subgraph` and `supergraph` commands against it, as CI
 * scripts would call them. Bad input is refused with a clear message, and reading the history after
 * each refusal proves nothing was stored.
 */

const [CI] = TOKENS;
const TOKEN = CI?.token ?? '';

describe.each(ENGINES)('gatehouse registry, subgraph and supergraph on %s', (engine) => {
  let dir: string;
  let storeConfig: TestStoreConfig;
  let registry: CliProcess;
  let registryUrl: string;
  let accounts: RunningService;

  /** Runs a command against the running registry, with the token in the environment (as CI sets it). */
  const gatehouse = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runCli(args, {
      cwd: dir,
      env: { GATEHOUSE_REGISTRY_URL: registryUrl, GATEHOUSE_REGISTRY_TOKEN: TOKEN, ...env },
    });
  const publish = (name: string, file: string, extra: string[] = []) =>
    gatehouse([
      'subgraph',
      'publish',
      '--stage',
      'dev',
      '--name',
      name,
      '--url',
      `http://${name}.example:4001/graphql`,
      '--schema',
      file,
      ...extra,
    ]);
  const history = async (stage = 'dev'): Promise<VersionSummary[]> => {
    const run = await gatehouse(['supergraph', 'history', '--stage', stage, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { versions: VersionSummary[] }).versions;
  };
  const expectFailure = (run: CliRun, message: RegExp) => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout + run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `gatehouse-cli-registry-${engine}-`));
    storeConfig = testStoreConfig(engine);
    accounts = await serveSubgraph(accountsSubgraph);
    const store =
      engine === 'sqlite'
        ? ['  sqlite: data/registry.db # relative to this file']
        : [
            '  postgres: ${env:GATEHOUSE_DATABASE_URL}',
            `  postgresSchema: ${storeConfig.config.postgresSchema}`,
          ];
    writeFileSync(
      join(dir, 'gatehouse.yaml'),
      [
        'store:',
        ...store,
        'registry:',
        '  tokens:',
        ...TOKENS.map(({ name, token }) => `    - { name: ${name}, token: ${token} }`),
        'logging: { level: silent }',
      ].join('\n'),
    );
    for (const [name, sdl] of Object.entries(SDL)) writeFileSync(join(dir, `${name}.graphql`), sdl);
    registry = startCli(['registry', '--config', join(dir, 'gatehouse.yaml'), '--port', '0'], {
      env: { GATEHOUSE_DATABASE_URL: TEST_POSTGRES_URL },
    });
    const listening = await registry.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
    registryUrl = listening.replace('listening on ', '');
  });

  afterAll(async () => {
    const code = await registry?.stop('SIGTERM');
    expect(code).toBe(0);
    await accounts?.close();
    await storeConfig?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'runs the full cycle: publish, check, reject, allow, history, diff, rollback, promote, list, remove',
    { timeout: 120_000 },
    async () => {
      const first = await publish('products', 'products.graphql', ['--owner', 'team-catalog']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(
        /^Stage dev: publish products, created version (\d+) \(1 subgraph, hash [0-9a-f]{12}\)\.$/m,
      );
      const [v1] = await history();
      expect(v1).toMatchObject({ action: 'publish', publishedBy: 'ci' });

      // Another team publishes from its running service.
      const introspected = await gatehouse([
        'subgraph',
        'publish',
        '--stage',
        'dev',
        '--name',
        'accounts',
        '--url',
        accounts.url,
        '--introspect',
      ]);
      expect(introspected.code, introspected.stderr).toBe(0);
      expect(introspected.stdout).toMatch(/created version \d+ \(2 subgraphs/);

      const same = await publish('products', 'products.graphql');
      expect(same.code).toBe(0);
      expect(same.stdout).toMatch(/publish products changed nothing; the current version stays \d+/);

      const check = await gatehouse([
        'subgraph',
        'check',
        '--stage',
        'dev',
        '--name',
        'products',
        '--url',
        'http://products.example:4001/graphql',
        '--schema',
        'productsWithStock.graphql',
        '--format',
        'json',
      ]);
      expect(check.code, check.stderr).toBe(0);
      const report = JSON.parse(check.stdout) as CheckReport;
      expect(report).toMatchObject({
        ok: true,
        stage: 'dev',
        subject: 'publish products',
        blockingChanges: 0,
      });
      expect(report.changes).toMatchObject([{ path: 'Product.inStock', criticality: 'NON_BREAKING' }]);

      const beforeRejections = await history();
      const clash = await publish('catalog', 'clashing.graphql');
      expectFailure(clash, /Rejected: publish catalog in stage dev; nothing was stored/);
      expect(clash.stdout).toMatch(/Composition errors \(\d+\):/);
      expect(clash.stdout).toMatch(/\[catalog\] .*Product\.name/);
      expect(clash.stdout).toMatch(/at clashing\.graphql:3:\d+/);
      expect(await history()).toEqual(beforeRejections);

      // A gateway following dev reports that web 1.4.0 reads Product.price.
      const usage = await callApi(registryUrl, 'POST', '/stages/dev/usage', {
        token: TOKEN,
        body: {
          records: [
            {
              operationHash: 'b'.repeat(64),
              operationName: 'ProductPrices',
              clientName: 'web',
              clientVersion: '1.4.0',
              coordinates: ['Query.products', 'Product.id', 'Product.price'],
              count: 7,
              seenAt: new Date().toISOString(),
            },
          ],
        },
      });
      expect(usage.status, usage.text).toBe(202);

      const used = await publish('products', 'productsWithoutPrice.graphql');
      expectFailure(used, /Rejected: publish products in stage dev/);
      expect(used.stdout).toMatch(
        /Breaking changes used in the last 30 days \(1; these reject the change\):/,
      );
      expect(used.stdout).toMatch(/Product\.price: .*removed/);
      expect(used.stdout).toMatch(/breaks ProductPrices \(b{12}\) from web 1\.4\.0: 7 requests/);
      expect(used.stdout).toContain('Pass --allow-breaking');
      const usedCheck = await gatehouse([
        'subgraph',
        'check',
        '--stage',
        'dev',
        '--name',
        'products',
        '--url',
        'http://products.example:4001/graphql',
        '--schema',
        'productsWithoutPrice.graphql',
      ]);
      expectFailure(usedCheck, /Check failed: publish products in stage dev would be rejected/);
      expect(await history()).toEqual(beforeRejections);

      const unused = await publish('products', 'productsWithoutName.graphql');
      expect(unused.code, unused.stdout + unused.stderr).toBe(0);
      expect(unused.stdout).toMatch(/created version \d+/);
      expect(unused.stdout).toMatch(/✓ safe: Product\.name: .*removed/);

      const [current, previous] = await history();
      expect(current?.summary).toBe('publish products');
      const listed = await gatehouse(['supergraph', 'history', '--stage', 'dev']);
      expect(listed.stdout).toMatch(/^ID\s+ACTION\s+SUMMARY\s+BY\s+CREATED\s+SUBGRAPHS\s+HASH$/m);
      expect(listed.stdout).toMatch(
        new RegExp(`^${current?.id}\\*\\s+publish\\s+publish products\\s+ci\\s`, 'm'),
      );

      const diff = await gatehouse(['supergraph', 'diff', String(previous?.id), String(current?.id)]);
      expect(diff.code, diff.stderr).toBe(0);
      expect(diff.stdout).toContain('Product.name');
      expect(diff.stdout).toMatch(/products/);

      const rollback = await gatehouse([
        'supergraph',
        'rollback',
        '--stage',
        'dev',
        '--to',
        String(previous?.id),
      ]);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(rollback.stdout).toMatch(
        new RegExp(`Stage dev: rollback to ${previous?.id}, created version \\d+`),
      );
      const [rolledBack] = await history();
      expect(rolledBack).toMatchObject({ action: 'rollback', hash: previous?.hash });

      const promote = await gatehouse(['supergraph', 'promote', '--from', 'dev', '--to', 'test']);
      expect(promote.code, promote.stderr).toBe(0);
      expect(promote.stdout).toMatch(/Stage test: promote \d+ from dev, created version \d+/);
      const [promoted] = await history('test');
      expect(promoted).toMatchObject({ action: 'promote', hash: rolledBack?.hash });

      const list = await gatehouse(['subgraph', 'list', '--stage', 'dev']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^NAME\s+TYPE\s+URL\s+OWNER\s+UPDATED BY\s+UPDATED$/m);
      expect(list.stdout).toMatch(
        /^products\s+graphql\s+http:\/\/products\.example:4001\/graphql\s+team-catalog\s+ci\s/m,
      );
      expect(list.stdout).toMatch(
        new RegExp(`^accounts\\s+graphql\\s+${accounts.url.replaceAll('.', '\\.')}\\s+ci\\s`, 'm'),
      );

      const removed = await gatehouse(['subgraph', 'remove', '--stage', 'dev', '--name', 'accounts']);
      expect(removed.code, removed.stdout + removed.stderr).toBe(0);
      expect(removed.stdout).toMatch(/Stage dev: remove accounts, created version \d+ \(1 subgraph/);
      const after = await gatehouse(['subgraph', 'list', '--stage', 'dev', '--format', 'json']);
      expect(JSON.parse(after.stdout)).toMatchObject({ subgraphs: [{ name: 'products' }] });
    },
  );

  it('refuses bad input with a clear message and stores nothing', { timeout: 120_000 }, async () => {
    writeFileSync(join(dir, 'huge.graphql'), `${SDL.products}# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const before = await history();
    const publishArgs = (file: string, stage = 'dev', name = 'products') => [
      'subgraph',
      'publish',
      '--stage',
      stage,
      '--name',
      name,
      '--url',
      `http://${name}.example:4001/graphql`,
      '--schema',
      file,
    ];
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [publishArgs('broken.graphql'), {}, /\[products\] Syntax Error: .*\n\s+at broken\.graphql:3:\d+/],
      [
        publishArgs('clashing.graphql', 'dev', 'catalog'),
        {},
        /\[catalog\] .*\n\s+at clashing\.graphql:3:\d+/,
      ],
      [
        publishArgs('products.graphql', 'staging'),
        {},
        /There is no stage "staging"; this registry has "dev", "test", "prod"/,
      ],
      [
        publishArgs('productsWithStock.graphql'),
        { GATEHOUSE_REGISTRY_TOKEN: 'wrong-token-0123456789abcdef' },
        /gatehouse: The registry refused the token \(401\): The token is not one this registry accepts/,
      ],
      [
        publishArgs('productsWithStock.graphql'),
        { GATEHOUSE_REGISTRY_TOKEN: '' },
        /gatehouse: The registry at http:\/\/127\.0\.0\.1:\d+ needs a token \(401\): pass --token or set GATEHOUSE_REGISTRY_TOKEN/,
      ],
      [
        [...publishArgs('productsWithStock.graphql'), '--registry', 'http://127.0.0.1:1'],
        {},
        /gatehouse: Cannot reach the registry at http:\/\/127\.0\.0\.1:1: connection refused/,
      ],
      [
        publishArgs('huge.graphql'),
        {},
        /gatehouse: The SDL of subgraph "products" is \d{8} bytes, more than the registry's limit of 4194304 bytes \(registry\.maxSchemaBytes\)/,
      ],
      [publishArgs('missing.graphql'), {}, /Cannot read the schema file missing\.graphql: ENOENT/],
      [
        ['subgraph', 'publish', '--stage', 'dev', '--name', 'products', '--url', 'http://x/'],
        {},
        /Pass either --schema FILE or --introspect/,
      ],
      [['supergraph', 'rollback', '--stage', 'dev', '--to', 'last'], {}, /--to: expected a version id/],
      [['supergraph', 'rollback', '--stage', 'dev', '--to', '999999'], {}, /There is no version 999999/],
      [
        ['supergraph', 'promote', '--from', 'prod', '--to', 'test'],
        {},
        /Nothing has been published to stage "prod" yet/,
      ],
      [
        ['subgraph', 'remove', '--stage', 'dev', '--name', 'nobody'],
        {},
        /Stage "dev" has no subgraph "nobody"/,
      ],
      [
        ['subgraph', 'list', '--stage', 'dev'],
        { GATEHOUSE_REGISTRY_URL: '' },
        /No registry: pass --registry URL or set GATEHOUSE_REGISTRY_URL/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const run = await gatehouse(args, env);
      expectFailure(run, message);
      expect(await history(), args.join(' ')).toEqual(before);
    }
    expect(await history('test')).toHaveLength(1);
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';

const KEY = /gh_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/;
const QUERY = { query: '{ me { username } }' };

let dir: string;
let config: string;
let accounts: RunningService;
let gateway: CliProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-keys-'));
  accounts = await serveSubgraph(accountsSubgraph);
  config = join(dir, 'gatehouse.yaml');
  writeFileSync(
    config,
    [
      'subgraphs:',
      `  - { name: accounts, url: "${accounts.url}" }`,
      'auth:',
      '  apiKeys: {}',
      'store:',
      '  sqlite: data/gatehouse.db # relative to this file',
      'logging: { level: silent }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await gateway?.stop();
  await accounts?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gatehouse keys', () => {
  it('creates, lists and revokes keys that a running gateway accepts, then refuses', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--name',
      'ci',
      '--scopes',
      'read:me, write:me',
      '--plan',
      'gold',
      '--expires',
      '30d',
      '--config',
      config,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const match = KEY.exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    const [key = '', id = ''] = match ?? [];
    expect(created.stdout).toContain(`id ${id}`);
    expect(created.stdout).toMatch(/not shown again/);
    expect(existsSync(join(dir, 'data', 'gatehouse.db'))).toBe(true);

    const listed = await runCli(['keys', 'list', '--config', config]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+SCOPES\s+PLAN\s+CREATED\s+EXPIRES\s+REVOKED$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+ci\\s+read:me,write:me\\s+gold\\s+\\S+Z\\s+\\S+Z\\s+-$`, 'm'),
    );
    expect(listed.stdout).not.toContain(key);

    gateway = startCli(['serve', '--config', config, '--port', '0', '--workers', '1']);
    const url = await gateway.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    const accepted = await postGraphQL(url, QUERY, { 'x-api-key': key });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toEqual({ data: { me: { username: expect.any(String) } } });

    const revoked = await runCli(['keys', 'revoke', 'ci', '--config', config]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked API key "ci" (id ${id})`);
    const revokedAt = Date.now();
    let response = await postGraphQL(url, QUERY, { 'x-api-key': key });
    while (response.status === 200 && Date.now() - revokedAt < 5_000) {
      await new Promise((done) => setTimeout(done, 100));
      response = await postGraphQL(url, QUERY, { 'x-api-key': key });
    }
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      errors: [{ message: 'API key revoked', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(Date.now() - revokedAt).toBeLessThan(5_000);

    const after = await runCli(['keys', 'list', '--config', config]);
    expect(after.stdout).toMatch(new RegExp(`^${id}\\s+ci\\s.*\\S+Z$`, 'm'));
  });

  it('exits 1 with a clear message on bad input', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'create', '--config', config], /required option '-n, --name <name>'/],
      [['keys', 'create', '--name', 'bad name', '--config', config], /invalid key name "bad name"/],
      [
        ['keys', 'create', '--name', 'x', '--expires', 'soon', '--config', config],
        /--expires: expected a duration/,
      ],
      [['keys', 'create', '--name', 'x', '--expires', '2001-01-01', '--config', config], /not in the future/],
      [['keys', 'revoke', 'nobody', '--config', config], /No live API key has the id or name "nobody"/],
      [['keys', 'list', '--config', join(dir, 'missing.yaml')], /Cannot read config file/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    cases.forEach(([args, message], index) => {
      const run = runs[index];
      expect(run?.code, args.join(' ')).toBe(1);
      expect(run?.stderr).toMatch(message);
      expect(run?.stderr).not.toMatch(/\n\s+at /);
    });
    const duplicate = await runCli(['keys', 'create', '--name', 'twice', '--config', config]);
    expect(duplicate.code).toBe(0);
    const again = await runCli(['keys', 'create', '--name', 'twice', '--config', config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('refuses an in-memory store and notes a config without apiKeys', async () => {
    const memory = join(dir, 'memory.yaml');
    writeFileSync(memory, 'store: { sqlite: ":memory:" }\n');
    const run = await runCli(['keys', 'list', '--config', memory]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/:memory:/);
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, 'store: { sqlite: other.db }\n');
    const created = await runCli(['keys', 'create', '--name', 'early', '--config', plain]);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/no auth\.apiKeys section/);
  });

  it('refuses a plan the config does not define, when it defines plans', async () => {
    const planned = join(dir, 'planned.yaml');
    writeFileSync(planned, 'store: { sqlite: planned.db }\ntraffic: { plans: { free: { rate: 10/s } } }\n');
    const unknown = await runCli(['keys', 'create', '--name', 'k', '--plan', 'gold', '--config', planned]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /--plan: unknown plan "gold"; traffic\.plans in .*planned\.yaml defines free/,
    );
    const known = await runCli(['keys', 'create', '--name', 'k', '--plan', 'free', '--config', planned]);
    expect(known.code, known.stderr).toBe(0);
  });
});

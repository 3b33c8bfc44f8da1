import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';

/**
 * `gatehouse keys usage` against a running gateway: a key on plan `gold` spends part of its quota,
 * and the CLI (and `GET /admin/usage` behind it) reports what is used and what is left.
 */
const KEY = /gh_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/;
const QUERY = { query: '{ me { username } }' };
const ADMIN_TOKEN = 'usage-report-admin-token-0123456789';

let dir: string;
let config: string;
let accounts: RunningService;
let gateway: CliProcess | undefined;
let url = '';
let key = '';
let id = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-usage-'));
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
      '  sqlite: data/gatehouse.db',
      'registry:',
      `  tokens: [{ name: ops, token: ${ADMIN_TOKEN} }]`,
      'traffic:',
      '  plans:',
      '    gold: { rate: 50/s, burst: 50, quota: 5/day }',
      '    free: { quota: 2/day }',
      '  defaultPlan: free',
      'logging: { level: silent }',
    ].join('\n'),
  );
  const created = await runCli(['keys', 'create', '--name', 'ci', '--plan', 'gold', '--config', config]);
  expect(created.code, created.stderr).toBe(0);
  [key = '', id = ''] = KEY.exec(created.stdout) ?? [];
  gateway = startCli(['serve', '--config', config, '--port', '0', '--workers', '1']);
  url = await gateway.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await accounts?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gatehouse keys usage', () => {
  it("reports what a key used of its plan's limits, as a table and as JSON", async () => {
    for (let i = 0; i < 3; i++) {
      const response = await postGraphQL(url, QUERY, { 'x-api-key': key });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }

    const table = await runCli(['keys', 'usage', 'ci', '--url', url, '--token', ADMIN_TOKEN]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`API key "ci" (id ${id}): plan gold, counted as apiKey:${id}`);
    expect(table.stdout).toMatch(/^LIMIT\s+WINDOW\s+USED\s+REMAINING\s+OF\s+PERIOD\s+RESETS$/m);
    expect(table.stdout).toMatch(/^gold-quota\s+5\/day\s+3\s+2\s+5\s+day:\d{4}-\d{2}-\d{2}\s+\S+Z$/m);
    expect(table.stdout).toMatch(/^gold-rate\s+50\/s\s+\d+\s+\d+\s+50\s+-\s+\S+Z$/m);

    // By id, with the URL and token from the environment, as JSON.
    const json = await runCli(['keys', 'usage', id, '--format', 'json'], {
      env: { GATEHOUSE_URL: url.replace(/\/graphql$/, ''), GATEHOUSE_REGISTRY_TOKEN: ADMIN_TOKEN },
    });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ plan: 'gold', countedKey: `apiKey:${id}`, key: { id, name: 'ci' } });
    expect(report['policies']).toEqual([
      expect.objectContaining({ name: 'gold-rate', kind: 'rate', limit: 50, window: '50/s' }),
      expect.objectContaining({
        name: 'gold-quota',
        kind: 'quota',
        limit: 5,
        used: 3,
        remaining: 2,
        window: '5/day',
        period: {
          id: expect.stringMatching(/^day:\d{4}-\d{2}-\d{2}$/),
          start: expect.stringMatching(/T00:00:00\.000Z$/),
          end: expect.stringMatching(/T00:00:00\.000Z$/),
        },
      }),
    ]);

    // Another plan's limits for the same key, on request.
    const other = await runCli([
      'keys',
      'usage',
      'ci',
      '--plan',
      'free',
      '--url',
      url,
      '--token',
      ADMIN_TOKEN,
    ]);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toMatch(/^free-quota\s+2\/day\s+0\s+2\s+2\s/m);
  });

  it('exits 1 with a clear message when it cannot report', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'usage', 'ci', '--url', url], /admin token.*Pass --token or set GATEHOUSE_REGISTRY_TOKEN/],
      [['keys', 'usage', 'ci', '--url', url, '--token', 'not-the-admin-token-at-all'], /not an admin token/],
      [
        ['keys', 'usage', 'nobody', '--url', url, '--token', ADMIN_TOKEN],
        /No API key has the id or name "nobody"/,
      ],
      [
        ['keys', 'usage', 'ci', '--url', url, '--token', ADMIN_TOKEN, '--plan', 'platinum'],
        /Unknown plan "platinum"/,
      ],
      [['keys', 'usage', 'ci'], /No gateway: pass --url URL or set GATEHOUSE_URL/],
      [['keys', 'usage', 'ci', '--url', 'ftp://example.com'], /expected an http or https URL/],
      [
        ['keys', 'usage', 'ci', '--url', 'http://127.0.0.1:1'],
        /Cannot reach the gateway at http:\/\/127\.0\.0\.1:1/,
      ],
      [['keys', 'usage', 'ci', '--url', url, '--format', 'yaml'], /--format: expected text or json/],
    ];
    const env = { GATEHOUSE_URL: '', GATEHOUSE_REGISTRY_TOKEN: '' };
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { env })));
    cases.forEach(([args, message], index) => {
      const run = runs[index];
      expect(run?.code, args.join(' ')).toBe(1);
      expect(run?.stderr, args.join(' ')).toMatch(message);
      expect(run?.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('checks the query of GET /admin/usage and answers errors without a stack', async () => {
    const base = url.replace(/\/graphql$/, '');
    const get = async (query: string, token: string | null = ADMIN_TOKEN) => {
      const response = await fetch(`${base}/admin/usage${query}`, {
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as { errors?: { message: string }[] } };
    };
    const unauthenticated = await get('?key=ci', null);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.errors?.[0]?.message).toMatch(/needs an admin token/);
    for (const [query, message] of [
      ['', /Name the caller/],
      ['?who=ci', /Unknown parameter "who"/],
      ['?key=ci&key=ci', /given more than once/],
      ['?key=ci&subject=alice', /cannot be combined/],
      ['?ip=not-an-ip', /not an IP address/],
      [`?key=${'x'.repeat(300)}`, /1 to 256 characters/],
    ] as const) {
      const answer = await get(query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors?.[0]?.message, query).toMatch(message);
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat .*\.js:\d+/);
    }
    // An anonymous caller by IP is on the default plan.
    const byIp = await fetch(`${base}/admin/usage?ip=127.0.0.1`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(byIp.status).toBe(200);
    expect(await byIp.json()).toMatchObject({
      plan: 'free',
      countedKey: 'ip:127.0.0.1',
      policies: [{ name: 'free-quota', used: 0, remaining: 2 }],
    });
  });
});

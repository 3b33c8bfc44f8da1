import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_CACHE_TTL_MS } from '../../src/auth/api-keys.js';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';
import { testSchema, TEST_POSTGRES_URL, withClient, type TestSchema } from '../helpers/postgres.js';

const KEY = /gh_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/;
const QUERY = { query: '{ me { username } }' };
/** A poll's request and the pause between polls: what may come on top of the cache's 2 s. */
const SLACK_MS = 300;

let dir: string;
let config: string;
let schema: TestSchema;
let accounts: RunningService;
const gateways: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-keys-pg-'));
  schema = testSchema();
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
      '  postgres: ${env:GATEHOUSE_DATABASE_URL}',
      `  postgresSchema: ${schema.name}`,
      'logging: { level: silent }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await accounts?.close();
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ GATEHOUSE_DATABASE_URL: TEST_POSTGRES_URL });

/** Sends the key every 50 ms until the gateway refuses it (or the deadline passes). */
async function pollUntilRefused(url: string, key: string, deadline: number) {
  let lastAcceptedAt = Number.NaN;
  for (;;) {
    const sentAt = Date.now();
    const response = await postGraphQL(url, QUERY, { 'x-api-key': key });
    if (response.status !== 200 || Date.now() > deadline) {
      return { refusedAt: Date.now(), lastAcceptedAt, response };
    }
    lastAcceptedAt = sentAt;
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('gatehouse keys with the store in PostgreSQL', () => {
  it('shares a key between two gateway processes, and both refuse it within 2 s of its revocation', async () => {
    // Two replicas starting at once on a fresh schema: both migrate it, one after the other.
    gateways.push(
      startCli(['serve', '--config', config, '--port', '0', '--workers', '1'], { env: env() }),
      startCli(['serve', '--config', config, '--port', '0', '--workers', '1'], { env: env() }),
    );
    const urls = await Promise.all(
      gateways.map((gateway) => gateway.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/, 30_000)),
    );
    expect(new Set(urls).size).toBe(2);

    const created = await runCli(['keys', 'create', '--name', 'shared', '--config', config], { env: env() });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`in PostgreSQL ${TEST_POSTGRES_URL} (schema ${schema.name})`);
    const [key = '', id = ''] = KEY.exec(created.stdout) ?? [];
    expect(key).not.toBe('');

    for (const url of urls) {
      const accepted = await postGraphQL(url, QUERY, { 'x-api-key': key });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body).toEqual({ data: { me: { username: expect.any(String) } } });
    }
    const listed = await runCli(['keys', 'list', '--config', config], { env: env() });
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+shared\\s+-\\s+-\\s+\\S+Z\\s+-\\s+-$`, 'm'));

    // Each gateway keeps being asked while the key is revoked, so each holds it in its cache then;
    // the time to refusal is counted from the revocation's own timestamp in the store.
    const deadline = Date.now() + 20_000;
    const refusals = urls.map((url) => pollUntilRefused(url, key, deadline));
    const revoked = await runCli(['keys', 'revoke', 'shared', '--config', config], { env: env() });
    expect(revoked.code, revoked.stderr).toBe(0);
    const revokedAt = await withClient(async (client) => {
      const { rows } = await client.query<{ revoked_at: string }>(
        `select revoked_at from ${schema.name}.api_keys where id = $1`,
        [id],
      );
      return new Date(rows[0]?.revoked_at ?? NaN).getTime();
    });
    for (const { refusedAt, lastAcceptedAt, response } of await Promise.all(refusals)) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        errors: [{ message: 'API key revoked', extensions: { code: 'UNAUTHENTICATED' } }],
      });
      // Accepted right up to the revocation (so the key sat in the cache), refused within 2 s of it.
      expect(revokedAt - lastAcceptedAt).toBeLessThan(SLACK_MS);
      expect(refusedAt - revokedAt).toBeLessThan(API_KEY_CACHE_TTL_MS + SLACK_MS);
    }

    const after = await runCli(['keys', 'list', '--config', config], { env: env() });
    expect(after.stdout).toMatch(new RegExp(`^${id}\\s+shared\\s.*\\S+Z$`, 'm'));
  });

  it('fails with the field and without a stack when the database variable is unset or unreachable', async () => {
    const unset = await runCli(['keys', 'list', '--config', config], {
      env: { GATEHOUSE_DATABASE_URL: undefined },
    });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/store\.postgres: environment variable GATEHOUSE_DATABASE_URL is not set/);
    const down = await runCli(['keys', 'list', '--config', config], {
      env: { GATEHOUSE_DATABASE_URL: 'postgres://gatehouse:s3cret@127.0.0.1:1/test' },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /Cannot connect to the store postgres:\/\/gatehouse:\*\*\*@127\.0\.0\.1:1\/test/,
    );
    for (const run of [unset, down]) {
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).not.toContain('s3cret');
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';

/*
 * `gatehouse registry --config F` seeds F's stage from F's `subgraphs` when that stage is empty (as
 * docker-compose.yml's registry does for prod), once: after a restart it keeps what is stored.
 */

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
type Query { hello: String }`;

async function versionsAfterStart(config: string): Promise<{ action: string; publishedBy: string }[]> {
  const cli = startCli(['registry', '--config', config, '--port', '0']);
  try {
    const url = (await cli.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 30_000)).replace(
      'listening on ',
      '',
    );
    const response = await fetch(`${url.replace(/\/registry\/v1$/, '')}/registry/v1/stages/test/versions`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { versions: { action: string; publishedBy: string }[] }).versions;
  } finally {
    expect(await cli.stop('SIGTERM')).toBe(0);
  }
}

describe('gatehouse registry with subgraphs in its config', () => {
  it("gives the config's stage its first version, and only once", async () => {
    writeFileSync(join(dir, 'hello.graphql'), SDL);
    const config = join(dir, 'registry.yaml');
    writeFileSync(
      config,
      [
        'stage: test',
        'store: { sqlite: registry.db }',
        'registry: { tokens: [{ name: ops, token: seed-test-token-0123456789 }] }',
        'subgraphs:',
        '  - { name: hello, url: "http://127.0.0.1:1/graphql", schema: hello.graphql }',
        'logging: { level: warn }',
      ].join('\n'),
    );
    expect(await versionsAfterStart(config)).toMatchObject([{ action: 'seed', publishedBy: 'config' }]);
    expect(await versionsAfterStart(config)).toHaveLength(1);
  });
});

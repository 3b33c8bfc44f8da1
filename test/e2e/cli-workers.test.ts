import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import { printSubgraphSchema, buildSubgraphSchema } from '@apollo/subgraph';
import { writeFileSync } from 'node:fs';
import { runCli, startCli } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';
import { availableCpus } from '../../src/server/available-cpus.js';

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((value) => value > 0);
  } catch {
    return [];
  }
}

async function eventually<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

describe('gatehouse serve --workers', () => {
  let accounts: RunningService;
  let supergraph: string;

  beforeAll(async () => {
    accounts = await serveSubgraph(accountsSubgraph);
    const sdl = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
    supergraph = join(mkdtempSync(join(tmpdir(), 'gatehouse-workers-')), 'supergraph.graphql');
    writeFileSync(
      supergraph,
      composeSupergraph([{ name: 'accounts', url: accounts.url, sdl, origin: 'accounts' }]),
    );
  });
  afterAll(() => accounts?.close());

  // Starting two workers takes seconds alone and several times that on a loaded CI machine.
  it(
    'runs N workers on one port, replaces a crashed worker, and drains all on SIGTERM',
    { timeout: 120_000 },
    async () => {
      const cli = startCli([
        'serve',
        '--supergraph',
        supergraph,
        '--port',
        '0',
        '--workers',
        '2',
        '--stage',
        'prod',
      ]);
      const pid = cli.child.pid ?? 0;
      try {
        const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
        expect(cli.output().stdout).toContain('2 workers');
        const workers = await eventually(
          () => childPids(pid),
          (pids) => pids.length === 2,
        );
        expect(workers).toHaveLength(2);
        for (let i = 0; i < 6; i++) {
          expect((await postGraphQL(url, { query: '{ me { id } }' })).body).toEqual({
            data: { me: { id: '1' } },
          });
        }

        process.kill(workers[0] ?? 0, 'SIGKILL');
        const replaced = await eventually(
          () => childPids(pid),
          (pids) => pids.length === 2 && !pids.includes(workers[0] ?? 0),
        );
        expect(replaced).toHaveLength(2);
        expect(replaced).not.toContain(workers[0]);
        const log = await eventually(
          () => cli.output().stderr,
          (stderr) => stderr.includes('starting a replacement'),
        );
        expect(log).toMatch(/exited \(SIGKILL\); starting a replacement/);
        const answered = await eventually(
          () => postGraphQL(url, { query: '{ me { id } }' }).catch(() => undefined),
          (response) => response?.status === 200,
        );
        expect(answered?.status).toBe(200);
      } finally {
        expect(await cli.stop('SIGTERM')).toBe(0);
      }
      expect(childPids(pid)).toEqual([]);
    },
  );

  it(
    'starts as many workers as the CPU quota allows when --workers is not given',
    { timeout: 120_000 },
    async () => {
      const expected = availableCpus();
      const cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--stage', 'prod']);
      try {
        const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
        expect(cli.output().stdout).toContain(`${expected} ${expected === 1 ? 'worker' : 'workers'})`);
        expect((await postGraphQL(url, { query: '{ me { id } }' })).body).toEqual({
          data: { me: { id: '1' } },
        });
      } finally {
        expect(await cli.stop('SIGTERM')).toBe(0);
      }
    },
  );

  it('composes once in the primary: a bad supergraph exits 1 before any worker starts', async () => {
    const run = await runCli(['serve', '--supergraph', 'package.json', '--workers', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/package\.json is not a valid supergraph/);
  });
});

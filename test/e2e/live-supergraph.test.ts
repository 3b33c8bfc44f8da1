import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { supergraphHash } from '../../src/supergraph/source.js';
import { runCli, startCli, type CliProcess } from '../helpers/cli.js';
import { failuresOf, NO_FAILURES, steadyLoad } from '../helpers/load.js';
import {
  accountsSupergraph,
  EXTRA_QUERY,
  NOT_A_SUPERGRAPH,
  STEADY_QUERY,
} from '../helpers/supergraph-versions.js';

// `gatehouse serve --workers 2` follows its supergraph file (with --watch, or on SIGHUP) under
// steady load: five swaps that add and remove a field, and a bad file in between, without one
// failed request; the new field answers within a second of each write on every worker.

const LOAD_SECONDS = 10;
const CONNECTIONS = 6;

let accounts: RunningService;
let base: string;
let extra: string;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  base = accountsSupergraph(accounts.url, 'base');
  extra = accountsSupergraph(accounts.url, 'extra');
});
afterAll(() => accounts?.close());

/** One request on a new connection, so that the cluster hands it to the next worker in turn. */
function freshRequest(
  url: string,
  method: 'GET' | 'POST',
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method, agent: false, headers: body ? { 'content-type': 'application/json' } : {} },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Resolves with the milliseconds it took until `probe` held on `times` fresh connections in a row
 * (the primary hands new connections to the workers in turn, and the probes are the only new ones,
 * so with two workers three in a row passed on both), or rejects after `timeoutMs`.
 */
async function untilEveryWorker(
  probe: () => Promise<boolean>,
  times = 3,
  timeoutMs = 5_000,
): Promise<number> {
  const started = Date.now();
  let inARow = 0;
  while (inARow < times) {
    if (Date.now() - started > timeoutMs) throw new Error(`not on every worker after ${timeoutMs} ms`);
    inARow = (await probe()) ? inARow + 1 : 0;
    if (inARow === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function startServe(path: string, watch: boolean): Promise<{ cli: CliProcess; url: string }> {
  writeFileSync(path, base);
  const cli = startCli([
    'serve',
    '--supergraph',
    path,
    ...(watch ? ['--watch'] : []),
    '--port',
    '0',
    '--workers',
    '2',
    '--stage',
    'prod',
  ]);
  const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
  return { cli, url };
}

/**
 * Runs the story against a started `serve`: load for 10 s while the file is rewritten five times
 * (extra, base, extra, bad, base, extra), each followed by `afterWrite` (a SIGHUP, or nothing).
 */
async function swapUnderLoad(path: string, url: string, afterWrite: () => void) {
  const steadyBody = JSON.stringify({ query: STEADY_QUERY });
  const expected = await freshRequest(url, 'POST', steadyBody);
  expect(expected.status).toBe(200);
  expect(JSON.parse(expected.text)).toEqual({ data: { me: { id: '1', name: expect.any(String) } } });

  const load = steadyLoad(url, steadyBody, expected.text, {
    seconds: LOAD_SECONDS,
    connections: CONNECTIONS,
  });
  const readyUrl = url.replace(/\/graphql$/, '/ready');
  const extraBody = JSON.stringify({ query: EXTRA_QUERY });
  const swaps: { variant: string; ms: number }[] = [];
  const steps = ['extra', 'base', 'extra', 'bad', 'base', 'extra'] as const;
  const started = Date.now();
  for (const [index, step] of steps.entries()) {
    await sleep(started + 500 + index * 1_400 - Date.now());
    writeFileSync(path, step === 'bad' ? NOT_A_SUPERGRAPH : step === 'extra' ? extra : base);
    const written = Date.now();
    afterWrite();
    if (step === 'bad') {
      await untilEveryWorker(async () => {
        const answer = await freshRequest(readyUrl, 'GET');
        const detail = (JSON.parse(answer.text) as { detail?: { supergraph?: Record<string, unknown> } })
          .detail?.supergraph;
        return answer.status === 200 && detail?.status === 'failed' && detail.hash === supergraphHash(extra);
      });
      continue;
    }
    const wanted = step === 'extra' ? 200 : 400;
    await untilEveryWorker(async () => (await freshRequest(url, 'POST', extraBody)).status === wanted);
    swaps.push({ variant: step, ms: Date.now() - written });
  }
  const result = await load;
  return { result, swaps };
}

describe('gatehouse serve --workers 2 follows its supergraph file under load', () => {
  it('with --watch: zero failed requests, each new field served within 1 s, a bad file refused', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-live-e2e-')), 'supergraph.graphql');
    const { cli, url } = await startServe(path, true);
    try {
      const { result, swaps } = await swapUnderLoad(path, url, () => {});
      expect(swaps.map((swap) => swap.variant)).toEqual(['extra', 'base', 'extra', 'base', 'extra']);
      for (const swap of swaps)
        expect(swap.ms, `${swap.variant} served after ${swap.ms} ms`).toBeLessThan(1_000);
      expect(result.requests.total).toBeGreaterThan(500);
      expect(failuresOf(result)).toEqual(NO_FAILURES);
      expect(cli.output().stdout).toMatch(/not a valid supergraph/);
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  }, 60_000);

  it('with SIGHUP after each write: the same, and SIGHUP never stops the process', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-live-e2e-')), 'supergraph.graphql');
    const { cli, url } = await startServe(path, false);
    const pid = cli.child.pid ?? 0;
    try {
      const { result, swaps } = await swapUnderLoad(path, url, () => process.kill(pid, 'SIGHUP'));
      expect(swaps).toHaveLength(5);
      for (const swap of swaps)
        expect(swap.ms, `${swap.variant} served after ${swap.ms} ms`).toBeLessThan(1_000);
      expect(failuresOf(result)).toEqual(NO_FAILURES);
      expect(cli.child.exitCode).toBeNull();
      expect(cli.output().stderr).toContain('SIGHUP received, reloading the supergraph');
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  }, 60_000);

  it('with one worker (a child process with the heap flags), SIGHUP reloads it too', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-live-e2e-')), 'supergraph.graphql');
    writeFileSync(path, base);
    const cli = startCli(['serve', '--supergraph', path, '--port', '0', '--workers', '1', '--stage', 'prod']);
    try {
      const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
      const extraBody = JSON.stringify({ query: EXTRA_QUERY });
      expect((await freshRequest(url, 'POST', extraBody)).status).toBe(400);
      writeFileSync(path, extra);
      process.kill(cli.child.pid ?? 0, 'SIGHUP');
      await untilEveryWorker(async () => (await freshRequest(url, 'POST', extraBody)).status === 200, 1);
      expect(cli.child.exitCode).toBeNull();
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  });

  it('says what --watch and --registry need', async () => {
    const watch = await runCli(['serve', '--watch', '--registry', 'http://127.0.0.1:9/']);
    expect(watch.code).toBe(1);
    expect(watch.stderr).toMatch(/--watch follows a supergraph file: pass --supergraph FILE/);
    const both = await runCli(['serve', '--supergraph', 'x.graphql', '--registry', 'http://127.0.0.1:9/']);
    expect(both.stderr).toContain('Pass --supergraph FILE or --registry URL, not both.');
    const token = await runCli(['serve', '--supergraph', 'x.graphql', '--registry-token', 'secret-secret']);
    expect(token.stderr).toContain('--registry-token goes with --registry URL.');
  });
});

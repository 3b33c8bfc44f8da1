import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { resolveConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { supergraphHash } from '../../src/supergraph/source.js';
import { postGraphQL } from '../helpers/gateway.js';
import {
  accountsSupergraph,
  EXTRA_QUERY,
  NOT_A_SUPERGRAPH,
  STEADY_QUERY,
} from '../helpers/supergraph-versions.js';

// A gateway follows its supergraph file: a new valid supergraph is served, a bad one is refused
// (the last good one stays served, and /ready says why), and SIGHUP's reload reads it at once.

let accounts: RunningService;
let base: string;
let extra: string;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  base = accountsSupergraph(accounts.url, 'base');
  extra = accountsSupergraph(accounts.url, 'extra');
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});
afterAll(() => accounts?.close());

async function start(watch: boolean) {
  const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-live-')), 'supergraph.graphql');
  writeFileSync(path, base);
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const config = resolveConfig(
    { server: { port: 0 }, supergraph: { file: path, watch } },
    { env: {}, source: 'test config' },
  );
  const gateway = await startGateway({ config, logger });
  gateways.push(gateway);
  return { gateway, path, lines };
}

async function ready(gateway: RunningGateway) {
  const response = await fetch(`${gateway.url}/ready`);
  return {
    status: response.status,
    body: (await response.json()) as { detail: { supergraph: Record<string, unknown> } },
  };
}

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await probe();
  }
  return value;
}

describe('a gateway that follows its supergraph file', () => {
  it('serves each new supergraph, refuses a bad one, keeps serving, and says why in /ready', async () => {
    const { gateway, path, lines } = await start(true);
    expect((await ready(gateway)).body.detail.supergraph).toMatchObject({
      status: 'loaded',
      source: `file ${path}`,
      hash: supergraphHash(base),
    });
    expect((await postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY })).status).toBe(400);

    writeFileSync(path, extra);
    const added = await eventually(
      () => postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY }),
      (response) => response.status === 200,
    );
    expect(added.body).toEqual({ data: { me: { email: 'maya.okafor@example.com' } } });

    writeFileSync(path, NOT_A_SUPERGRAPH);
    const refused = await eventually(
      () => ready(gateway),
      (answer) => answer.body.detail.supergraph.status === 'failed',
    );
    expect(refused.status).toBe(200);
    expect(refused.body.detail.supergraph).toMatchObject({
      status: 'failed',
      hash: supergraphHash(extra),
      lastError: { message: expect.stringMatching(new RegExp(`^file ${path} is not a valid supergraph: `)) },
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'the supergraph could not be updated; still serving the last good one',
        servingHash: supergraphHash(extra),
      }),
    );
    // Still serving the last good supergraph, new field included.
    expect((await postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY })).status).toBe(200);
    expect((await postGraphQL(gateway.graphqlUrl, { query: STEADY_QUERY })).status).toBe(200);

    // The good one back: the same hash is not swapped again, and the failure is over.
    const swapsBefore = lines.filter((line) => line.msg === 'serving a new supergraph').length;
    writeFileSync(path, extra);
    const back = await eventually(
      () => ready(gateway),
      (answer) => answer.body.detail.supergraph.status === 'loaded',
    );
    expect(back.body.detail.supergraph).not.toHaveProperty('lastError');
    expect(lines.filter((line) => line.msg === 'serving a new supergraph')).toHaveLength(swapsBefore);

    writeFileSync(path, base);
    await eventually(
      () => postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY }),
      (response) => response.status === 400,
    );
    expect(gateway.supergraph()).toMatchObject({ status: 'loaded', hash: supergraphHash(base) });
  });

  it('without watch, reads the file again on reload (SIGHUP) only', async () => {
    const { gateway, path } = await start(false);
    writeFileSync(path, extra);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY })).status).toBe(400);
    expect(await gateway.reload()).toMatchObject({ status: 'loaded', hash: supergraphHash(extra) });
    expect((await postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY })).status).toBe(200);

    writeFileSync(path, NOT_A_SUPERGRAPH);
    expect(await gateway.reload()).toMatchObject({ status: 'failed', hash: supergraphHash(extra) });
    expect((await postGraphQL(gateway.graphqlUrl, { query: EXTRA_QUERY })).status).toBe(200);
  });
});

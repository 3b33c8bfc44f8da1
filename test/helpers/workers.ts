import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printSubgraphSchema, buildSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, expect } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph } from '../../subgraphs/lib/serve-subgraph.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import { startCli } from './cli.js';

/*
 * `gatehouse serve --workers 2` as an operator runs it, for the tests that check a figure is the same
 * whichever worker answers (metrics, the dashboard).
 */

export interface Answer {
  status: number;
  body: string;
}

/**
 * One request on a connection of its own: the cluster hands each new connection to the next worker
 * in turn, so consecutive requests reach both workers.
 */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    outgoing.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** A GraphQL POST on a fresh connection. */
export function postQuery(
  graphqlUrl: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export interface AccountsSupergraph {
  /** The supergraph file. */
  supergraph: string;
  /** A temporary directory beside it, for config files. */
  dir: string;
  close(): Promise<void>;
}

/** The accounts subgraph on loopback and a supergraph file of it alone, in a temporary directory. */
export async function startAccountsSupergraph(prefix: string): Promise<AccountsSupergraph> {
  const accounts = await serveSubgraph(accountsSubgraph);
  const sdl = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const supergraph = join(dir, 'supergraph.graphql');
  writeFileSync(
    supergraph,
    composeSupergraph([{ name: 'accounts', url: accounts.url, sdl, origin: 'accounts' }]),
  );
  return {
    supergraph,
    dir,
    async close() {
      await accounts.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the accounts supergraph before the file's tests and stops it after them (call it in a
 * `describe`); read the result inside a test, once `beforeAll` has run.
 */
export function useAccountsSupergraph(prefix: string): () => AccountsSupergraph {
  let graph: AccountsSupergraph | undefined;
  beforeAll(async () => {
    graph = await startAccountsSupergraph(prefix);
  });
  afterAll(async () => {
    await graph?.close();
  });
  return () => {
    if (!graph) throw new Error('The accounts supergraph is read before beforeAll started it');
    return graph;
  };
}

/** A GET query without a preflight header, which CSRF prevention refuses: one refused request to count. */
export async function sendRefusedQuery(graphqlUrl: string): Promise<void> {
  const refused = await send(`${graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`);
  expect(refused.status).toBe(400);
}

/**
 * Runs `gatehouse serve --workers 2` on a free port for `run`, which gets the GraphQL URL once both
 * workers listen, and then checks that the gateway stops cleanly on SIGTERM.
 */
export async function withTwoWorkers(
  supergraph: string,
  run: (graphqlUrl: string) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  const cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--workers', '2', ...args]);
  try {
    const graphqlUrl = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/, 60_000);
    expect(cli.output().stdout).toContain('2 workers');
    await run(graphqlUrl);
  } finally {
    expect(await cli.stop('SIGTERM')).toBe(0);
  }
}

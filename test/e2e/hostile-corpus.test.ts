import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchSubgraphNames,
  startBenchSubgraph,
  type RunningBenchSubgraph,
} from '../../bench/subgraphs/index.js';
import { readBenchFile, supergraphWithUrls } from '../../bench/subgraphs/workload.js';
import { LIMIT_DEFAULTS } from '../../src/config/security-schema.js';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { memoryOf, servingPid } from '../helpers/process-memory.js';

/*
 * The hostile corpus of issue 12, sent to `gatehouse serve --stage prod` over the benchmark graph
 * with the default settings: every case is refused with a clean 4xx and a GraphQL `errors` array,
 * quickly, without calling a subgraph, and 1,000 of them leave the gateway's memory where it was.
 * The benchmark query itself (depth 8) is still served.
 *
 * Timing is measured per request by the client, over loopback, while this process also runs the
 * four subgraphs, on a machine CI shares with other test files. The bound is 100 ms for the median;
 * the tolerance is that at most 10% of a case's requests may exceed it (in CI single requests took
 * 120–160 ms while other files ran: a garbage collection or the scheduler), and none may take 1 s.
 * A refusal that did real work (validation of a bomb, a subgraph call) takes far longer than that.
 */

const LIMIT_MS = 100;
const HARD_LIMIT_MS = 1_000;
const TOLERATED_SHARE_OVER = 0.1;
const ROUNDS = 1_000;
const MIB = 1024 * 1024;

interface HostileCase {
  name: string;
  /** Encoded once, so that the client's time is not in the measure. */
  body: Buffer;
  /** The code it is refused with: the first limit it breaks. */
  code: string;
  headers?: Record<string, string>;
}

/** users → reviews → product → reviews → author → reviews → product → …, `levels` fields deep. */
function deepQuery(levels: number): string {
  const cycle = ['reviews', 'product', 'reviews', 'author'];
  const path = ['users'];
  while (path.length < levels) path.push(cycle[(path.length - 1) % cycle.length] ?? 'reviews');
  const leaf = path.at(-1) === 'product' ? 'upc' : 'id';
  return `{ ${path.map((field) => `${field} {`).join(' ')} ${leaf} ${'}'.repeat(path.length)} }`;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** `fragment F0 on Query { ...F1 }` … `fragment F<n-1> on Query { __typename }`, spread from the query. */
function fragmentChain(length: number): string {
  const links = Array.from({ length: length - 1 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`);
  return ['query { ...F0 }', ...links, `fragment F${length - 1} on Query { __typename }`].join('\n');
}

const aliases = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ')} }`;

const corpus: HostileCase[] = [
  { name: 'a valid query 22 levels deep', body: json({ query: deepQuery(22) }), code: 'MAX_DEPTH_EXCEEDED' },
  {
    name: 'an alias bomb (20,000 aliases of __typename)',
    body: json({ query: aliases(20_000) }),
    code: 'MAX_TOKENS_EXCEEDED',
  },
  // Each bomb just over its own limit, small enough to pass the token limit.
  {
    name: 'one root field more than the limit',
    body: json({ query: aliases(LIMIT_DEFAULTS.maxRootFields + 1) }),
    code: 'MAX_ROOT_FIELDS_EXCEEDED',
  },
  {
    name: 'one alias more than the limit, in one selection',
    body: json({
      query: `{ topProducts ${aliases(LIMIT_DEFAULTS.maxAliases + 1).replaceAll('__typename', 'upc')} }`,
    }),
    code: 'MAX_ALIASES_EXCEEDED',
  },
  {
    name: 'a directive bomb (10,000 directives on one field)',
    body: json({ query: `{ __typename ${'@skip(if: false) '.repeat(10_000)}}` }),
    code: 'MAX_TOKENS_EXCEEDED',
  },
  {
    name: 'one directive more than the limit, on one field',
    body: json({ query: `{ __typename ${'@skip(if: false) '.repeat(LIMIT_DEFAULTS.maxDirectives + 1)}}` }),
    code: 'MAX_DIRECTIVES_EXCEEDED',
  },
  {
    name: 'a fragment cycle',
    body: json({
      query: 'query { ...A } fragment A on Query { ...B __typename } fragment B on Query { ...A __typename }',
    }),
    code: 'MAX_DEPTH_EXCEEDED',
  },
  {
    name: 'a chain of 1,000 fragments',
    body: json({ query: fragmentChain(1_000) }),
    code: 'MAX_TOKENS_EXCEEDED',
  },
  {
    name: 'one fragment more than the limit, in a chain',
    body: json({ query: fragmentChain(LIMIT_DEFAULTS.maxFragments + 1) }),
    code: 'MAX_FRAGMENTS_EXCEEDED',
  },
  {
    name: 'a 10 MB variable',
    body: json({ query: 'query ($v: String) { __typename }', variables: { v: 'x'.repeat(10 * MIB) } }),
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a batch of 1,000 operations',
    body: json(Array.from({ length: 1_000 }, () => ({ query: '{ topProducts { upc } }' }))),
    code: 'BATCHING_DISABLED',
  },
  {
    name: 'a forged APQ hash',
    body: json({
      query: '{ topProducts { upc name } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
    }),
    code: 'PERSISTED_QUERY_HASH_MISMATCH',
  },
];

describe('a hostile corpus against gatehouse serve --stage prod', () => {
  const subgraphs: RunningBenchSubgraph[] = [];
  let dir: string;
  let cli: CliProcess;
  let url: string;

  beforeAll(async () => {
    for (const name of benchSubgraphNames) subgraphs.push(await startBenchSubgraph(name, { port: 0 }));
    const urls = Object.fromEntries(subgraphs.map((subgraph) => [subgraph.name, subgraph.url]));
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-hostile-'));
    const supergraph = join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, supergraphWithUrls(readBenchFile('supergraph.graphql'), urls));
    cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--stage', 'prod', '--workers', '1']);
    url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
  }, 60_000);

  afterAll(async () => {
    await cli?.stop();
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const subgraph of subgraphs) subgraph.resetRequestCount();
  });

  const subgraphCalls = () => subgraphs.reduce((sum, subgraph) => sum + subgraph.requestCount(), 0);

  async function send(hostile: HostileCase) {
    const started = performance.now();
    const answer = await post(url, hostile);
    return { ...answer, ms: performance.now() - started };
  }

  function expectCleanRefusal(hostile: HostileCase, answer: Awaited<ReturnType<typeof send>>) {
    const text = JSON.stringify(answer.body).slice(0, 300);
    expect(answer.status, `${hostile.name}: ${text}`).toBeGreaterThanOrEqual(400);
    expect(answer.status, `${hostile.name}: ${text}`).toBeLessThan(500);
    expect(answer.contentType, hostile.name).toMatch(/json/);
    const errors = (answer.body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] })
      .errors;
    expect(Array.isArray(errors) && errors.length > 0, `${hostile.name}: ${text}`).toBe(true);
    expect(errors?.[0]?.extensions?.code, `${hostile.name}: ${text}`).toBe(hostile.code);
    for (const error of errors ?? []) {
      expect(typeof error.message, hostile.name).toBe('string');
      expect(typeof error.extensions?.code, hostile.name).toBe('string');
    }
    expect(text, hostile.name).not.toMatch(/stacktrace|at .*\.js:\d+/);
  }

  it.each(corpus)('refuses $name cleanly, quickly and without a subgraph call', async (hostile) => {
    const answer = await send(hostile);
    expectCleanRefusal(hostile, answer);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push((await send(hostile)).ms);
    expect(subgraphCalls(), `${hostile.name}: subgraph requests`).toBe(0);
    expectQuick(hostile.name, times);
  });

  it(`stays within 10% of its memory over ${ROUNDS} hostile requests`, { timeout: 300_000 }, async () => {
    const pid = servingPid(cli.child.pid ?? 0);
    // Warm up, so that what every request needs once (code, caches at their bound) is in the baseline.
    for (let i = 0; i < 100; i++) await send(corpus[i % corpus.length] as HostileCase);
    const before = memoryOf(pid);
    let peak = before;
    const times = new Map<string, number[]>(corpus.map((hostile) => [hostile.name, []]));
    for (let i = 0; i < ROUNDS; i++) {
      const hostile = corpus[i % corpus.length] as HostileCase;
      const answer = await send(hostile);
      expectCleanRefusal(hostile, answer);
      times.get(hostile.name)?.push(answer.ms);
      if (i % 50 === 0) peak = Math.max(peak, memoryOf(pid));
    }
    const after = memoryOf(pid);
    console.log(
      `RSS before ${(before / MIB).toFixed(1)} MiB, after ${(after / MIB).toFixed(1)} MiB, ` +
        `highest seen ${(Math.max(peak, after) / MIB).toFixed(1)} MiB`,
    );
    expect(subgraphCalls(), 'subgraph requests').toBe(0);
    for (const [name, measured] of times) expectQuick(name, measured);
    expect(after, 'RSS after the corpus').toBeLessThanOrEqual(before * 1.1);
  });

  it('still serves the benchmark query (depth 8) with the defaults', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: readBenchFile('query.graphql'), operationName: 'TestQuery' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(readBenchFile('expected.json')));
    expect(subgraphCalls()).toBeGreaterThan(0);
  });
});

function expectQuick(name: string, times: readonly number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const over = sorted.filter((ms) => ms >= LIMIT_MS).length;
  const summary = `${name}: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms, ${over} of ${sorted.length} over ${LIMIT_MS} ms`;
  console.log(summary);
  expect(sorted[Math.floor(sorted.length / 2)] ?? 0, summary).toBeLessThan(LIMIT_MS);
  expect(over, summary).toBeLessThanOrEqual(Math.floor(sorted.length * TOLERATED_SHARE_OVER));
  expect(sorted.at(-1) ?? 0, summary).toBeLessThan(HARD_LIMIT_MS);
}

interface Answer {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

/**
 * POSTs on a connection of its own, as an attacker's requests would come, and takes the answer as
 * soon as it arrives: the gateway answers a body over its limit (413) before it has read it, and
 * the time to refuse is not the time the client takes to send 10 MB.
 */
function post(url: string, hostile: HostileCase): Promise<Answer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...hostile.headers } },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: the assertions show the text.
          }
          resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body });
        });
        response.on('error', reject);
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    request.end(hostile.body);
  }).finally(() => agent.destroy());
}

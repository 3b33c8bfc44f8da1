import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchSubgraphNames,
  startBenchSubgraph,
  type RunningBenchSubgraph,
} from '../../bench/subgraphs/index.js';
import { readBenchFile } from '../../bench/subgraphs/workload.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway, type GraphQLRequestBody } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

/*
 * Operation limits through HTTP: for every limit, N is served and N + 1 is refused with the limit's
 * code, before any subgraph is called. Per principal (a JWT scope gets more), in warn mode (served and
 * logged), for documents Apollo Server already has in its document store, for APQ, and with the
 * defaults of a production stage over the benchmark graph.
 */

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Node @key(fields: "id") { id: ID! name: String! child: Node broken: String }
  type Query { node(id: ID): Node nodes: [Node!]! items(count: Int!): [Node!]! }`;

const node = (id: string) => ({ id, name: `Node ${id}` });
const SECRET = 'a-limits-test-secret-long-enough-for-hs256';
const ISSUER = 'https://idp.limits.test/';
const auth = { jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] } };
const internalToken = signHs256(SECRET, { scope: 'internal' }, { issuer: ISSUER, subject: 'svc-reports' });
const userToken = signHs256(SECRET, {}, { issuer: ISSUER, subject: 'user-7' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const LIMITS = {
  maxDepth: 3,
  maxAliases: 2,
  maxRootFields: 2,
  maxDirectives: 2,
  maxTokens: 40,
  maxFragments: 2,
  maxSpreads: 3,
  maxVariables: 2,
  maxErrors: 3,
};

let shop: RecordingSubgraph;
let gateway: RunningGateway;

beforeAll(async () => {
  shop = await startRecordingSubgraph({
    name: 'shop',
    sdl: SDL,
    resolvers: {
      Query: {
        node: (_: unknown, { id }: { id?: string }) => node(id ?? 'n1'),
        nodes: () => [node('n1'), node('n2')],
        items: (_: unknown, { count }: { count: number }) =>
          Array.from({ length: count }, (_, index) => node(`i${index}`)),
      },
      Node: {
        child: ({ id }: { id: string }) => node(`${id}.c`),
        broken: ({ id }: { id: string }) => {
          throw new Error(`item ${id} is broken`);
        },
      },
    },
  });
  gateway = await startTestGateway([shop], {
    auth,
    security: {
      limits: {
        mode: 'enforce',
        ...LIMITS,
        overrides: [{ match: { scopes: ['internal'] }, maxDepth: 6, maxTokens: 100 }],
      },
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  await shop?.close();
});

beforeEach(() => {
  shop.requests.length = 0;
});

type Body = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };

async function expectServed(body: GraphQLRequestBody, headers: Record<string, string> = {}) {
  const response = await postGraphQL(gateway.graphqlUrl, body, headers);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect((response.body as Body).errors).toBeUndefined();
  expect(shop.operations().length).toBeGreaterThan(0);
  shop.requests.length = 0;
  return response.body as Body;
}

async function expectRefused(
  body: GraphQLRequestBody,
  code: string,
  message: RegExp,
  headers: Record<string, string> = {},
) {
  const response = await postGraphQL(gateway.graphqlUrl, body, headers);
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  const errors = (response.body as Body).errors;
  expect(errors, JSON.stringify(response.body)).toHaveLength(1);
  expect(errors?.[0]?.extensions?.code).toBe(code);
  expect(errors?.[0]?.message).toMatch(message);
  expect(JSON.stringify(response.body)).not.toMatch(/stacktrace| {4}at /);
  expect(shop.operations()).toHaveLength(0);
}

describe('each limit at its boundary (enforce)', () => {
  it('maxDepth: 3 levels are served, 4 refused, also when the levels come through fragments', async () => {
    await expectServed({ query: '{ node { child { name } } }' });
    await expectRefused(
      { query: '{ node { child { child { name } } } }' },
      'MAX_DEPTH_EXCEEDED',
      /^The operation is nested 4 deep; this gateway allows at most 3 \(security\.limits\.maxDepth\)\.$/,
    );
    await expectRefused(
      { query: '{ node { ...C } } fragment C on Node { child { child { id } } }' },
      'MAX_DEPTH_EXCEEDED',
      /nested 4 deep/,
    );
  });

  it('maxDepth: a fragment cycle is refused before validation, as nested without end', async () => {
    await expectRefused(
      { query: '{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { ...A }' },
      'MAX_DEPTH_EXCEEDED',
      /a cycle \(A → B → A\), so it is nested without end; this gateway allows at most 3/,
    );
  });

  it('maxAliases: 2 are served, 3 refused, counted each time their fragment is reached', async () => {
    await expectServed({ query: '{ a: node { x: id } }' });
    await expectRefused(
      { query: '{ a: node { x: id y: name } }' },
      'MAX_ALIASES_EXCEEDED',
      /^The operation has 3 aliases; this gateway allows at most 2 \(security\.limits\.maxAliases\)\.$/,
    );
    await expectRefused(
      { query: '{ node { ...F ...F } } fragment F on Node { x: id y: name }' },
      'MAX_ALIASES_EXCEEDED',
      /has 4 aliases/,
    );
  });

  it('maxRootFields: 2 are served, 3 refused', async () => {
    await expectServed({ query: '{ node { id } nodes { id } }' });
    await expectRefused(
      { query: '{ node { id } nodes { id } __typename }' },
      'MAX_ROOT_FIELDS_EXCEEDED',
      /^The operation selects 3 root fields; this gateway allows at most 2 \(security\.limits\.maxRootFields\)\.$/,
    );
  });

  it('maxDirectives: 2 are served, 3 refused', async () => {
    await expectServed({ query: '{ node @include(if: true) { id @skip(if: false) } }' });
    await expectRefused(
      { query: '{ node @include(if: true) { id @skip(if: false) name @include(if: true) } }' },
      'MAX_DIRECTIVES_EXCEEDED',
      /^The document has 3 directives; this gateway allows at most 2 \(security\.limits\.maxDirectives\)\.$/,
    );
  });

  it('maxTokens: 40 are served, 41 refused before parsing', async () => {
    // `{ nodes { … } }` is 5 tokens; each `id` one more.
    const ids = (count: number) => `{ nodes { ${'id '.repeat(count)}} }`;
    await expectServed({ query: ids(35) });
    await expectRefused(
      { query: ids(36) },
      'MAX_TOKENS_EXCEEDED',
      /^The document has more than 40 tokens; this gateway allows at most 40 \(security\.limits\.maxTokens\)\.$/,
    );
  });

  it('maxTokens: a token bomb of megabytes is refused after lexing 41 tokens', async () => {
    await expectRefused(
      { query: `{ nodes { ${'id '.repeat(300_000)}} }` },
      'MAX_TOKENS_EXCEEDED',
      /40 tokens/,
    );
  });

  it('maxFragments: 2 are served, 3 refused', async () => {
    const fragments = (names: string[]) =>
      `{ nodes { ${names.map((name) => `...${name}`).join(' ')} } } ${names
        .map((name) => `fragment ${name} on Node { id }`)
        .join(' ')}`;
    await expectServed({ query: fragments(['A', 'B']) });
    await expectRefused(
      { query: fragments(['A', 'B', 'C']) },
      'MAX_FRAGMENTS_EXCEEDED',
      /^The document defines 3 fragments; this gateway allows at most 2 \(security\.limits\.maxFragments\)\.$/,
    );
  });

  it('maxSpreads: 3 are served, 4 refused', async () => {
    await expectServed({ query: '{ nodes { ...A ...A ...A } } fragment A on Node { id }' });
    await expectRefused(
      { query: '{ nodes { ...A ...A ...A ...A } } fragment A on Node { id }' },
      'MAX_SPREADS_EXCEEDED',
      /^The operation spreads fragments 4 times; this gateway allows at most 3 \(security\.limits\.maxSpreads\)\.$/,
    );
  });

  it('maxVariables: 2 are served, 3 refused', async () => {
    const query = 'query ($a: ID, $b: ID) { node(id: $a) { id } other: node(id: $b) { id } }';
    await expectServed({ query, variables: { a: 'x', b: 'y' } });
    await expectRefused(
      { query, variables: { a: 'x', b: 'y', c: 'z' } },
      'MAX_VARIABLES_EXCEEDED',
      /^The request has more than 2 variables; this gateway allows at most 2 \(security\.limits\.maxVariables\)\.$/,
    );
  });

  it('maxVariables and maxTokens apply to GET requests too', async () => {
    const get = async (params: Record<string, string>) => {
      const response = await fetch(`${gateway.graphqlUrl}?${new URLSearchParams(params)}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      return { status: response.status, body: (await response.json()) as Body };
    };
    const query = 'query ($a: ID, $b: ID) { node(id: $a) { id } other: node(id: $b) { id } }';
    const served = await get({ query, variables: JSON.stringify({ a: 'x', b: 'y' }) });
    expect(served).toMatchObject({ status: 200, body: { data: { node: { id: 'x' } } } });
    const tooMany = await get({ query, variables: JSON.stringify({ a: 'x', b: 'y', c: 'z' }) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('MAX_VARIABLES_EXCEEDED');
    const long = await get({ query: `{ nodes { ${'id '.repeat(36)}} }` });
    expect(long.status).toBe(400);
    expect(long.body.errors?.[0]?.extensions?.code).toBe('MAX_TOKENS_EXCEEDED');
    shop.requests.length = 0;
  });

  it('maxErrors: 3 errors are sent, a 4th is replaced by one saying how many were left out', async () => {
    const three = await postGraphQL(gateway.graphqlUrl, { query: '{ items(count: 3) { id broken } }' });
    expect((three.body as Body).errors?.map((error) => error.message)).toEqual([
      'item i0 is broken',
      'item i1 is broken',
      'item i2 is broken',
    ]);
    const five = await postGraphQL(gateway.graphqlUrl, { query: '{ items(count: 5) { id broken } }' });
    expect(five.status).toBe(200);
    const body = five.body as Body;
    expect((body.data as { items: unknown[] }).items).toHaveLength(5);
    expect(body.errors?.map((error) => error.message)).toEqual([
      'item i0 is broken',
      'item i1 is broken',
      'item i2 is broken',
      '2 more errors were left out (security.limits.maxErrors is 3).',
    ]);
    expect(body.errors?.at(-1)?.extensions?.code).toBe('TOO_MANY_ERRORS');
  });
});

describe('limits per principal and per document', () => {
  const deep = '{ node { child { child { child { name } } } } }';

  it('gives a principal with a matching override more, and no one else', async () => {
    await expectServed({ query: deep }, bearer(internalToken));
    await expectRefused({ query: deep }, 'MAX_DEPTH_EXCEEDED', /nested 5 deep/, bearer(userToken));
  });

  it('judges a document from Apollo Server’s document store too (no parse or validation hooks)', async () => {
    const query = '{ node { child { child { child { id } } } } }';
    await expectServed({ query }, bearer(internalToken));
    // The same text again: Apollo Server takes the validated document from its store.
    await expectRefused({ query }, 'MAX_DEPTH_EXCEEDED', /nested 5 deep/);
    await expectServed({ query }, bearer(internalToken));
  });

  it('does not let a refused document into the document store', async () => {
    const query = '{ node { child { child { child { child { id } } } } } }';
    await expectRefused({ query }, 'MAX_DEPTH_EXCEEDED', /nested 6 deep/);
    await expectServed({ query }, bearer(internalToken));
  });
});

describe('persisted queries (APQ)', () => {
  const apq = (query: string | undefined, hashOf: string): GraphQLRequestBody => ({
    ...(query === undefined ? {} : { query }),
    extensions: {
      persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(hashOf).digest('hex') },
    },
  });

  it('refuses a deep query registered through APQ', async () => {
    const query = '{ node { child { child { child { name } } } } }  # apq deep';
    await expectRefused(apq(query, query), 'MAX_DEPTH_EXCEEDED', /nested 5 deep/);
  });

  it('refuses a query another principal registered, when it is sent by hash only', async () => {
    const query = '{ node { child { child { child { id name } } } } }  # apq shared';
    await expectServed(apq(query, query), bearer(internalToken));
    await expectRefused(apq(undefined, query), 'MAX_DEPTH_EXCEEDED', /nested 5 deep/);
  });

  it('counts the tokens of a text that came from the APQ store', async () => {
    const query = `{ nodes { ${'name '.repeat(45)}} }`;
    await expectServed(apq(query, query), bearer(internalToken));
    await expectRefused(apq(undefined, query), 'MAX_TOKENS_EXCEEDED', /more than 40 tokens/);
  });
});

/** A log destination that keeps every JSON line. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  return {
    stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    lines,
  };
}

describe('warn mode', () => {
  let warning: RunningGateway;
  const logs = captureLogs();

  beforeAll(async () => {
    warning = await startTestGateway(
      [shop],
      { auth, logging: { level: 'warn' }, security: { limits: { mode: 'warn', ...LIMITS } } },
      { logStream: logs.stream },
    );
  });

  afterAll(async () => {
    await warning?.close();
  });

  it('serves a breach and logs one warning naming the limit, the value, the operation and the subject', async () => {
    const query = 'query TooDeep { node { child { child { child { name } } } } }';
    const response = await postGraphQL(warning.graphqlUrl, { query }, bearer(userToken));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { node: { child: { child: { child: { name: 'Node n1.c.c.c' } } } } },
    });
    const warnings = logs.lines.filter((line) => String(line.msg).startsWith('operation limits'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      limit: 'security.limits.maxDepth',
      value: 5,
      allowed: 3,
      code: 'MAX_DEPTH_EXCEEDED',
      operationName: 'TooDeep',
      subject: 'user-7',
    });
  });

  it('logs a token breach once at the edge and serves', async () => {
    logs.lines.length = 0;
    const response = await postGraphQL(warning.graphqlUrl, { query: `{ nodes { ${'id '.repeat(50)}} }` });
    expect(response.status).toBe(200);
    const warnings = logs.lines.filter((line) => String(line.msg).startsWith('operation limits'));
    expect(warnings.map((line) => line.code)).toEqual(['MAX_TOKENS_EXCEEDED']);
  });

  it('sends every error and logs that there were too many', async () => {
    logs.lines.length = 0;
    const response = await postGraphQL(warning.graphqlUrl, { query: '{ items(count: 5) { id broken } }' });
    expect((response.body as Body).errors).toHaveLength(5);
    const warnings = logs.lines.filter((line) => String(line.msg).startsWith('operation limits'));
    expect(warnings.map((line) => line.code)).toEqual(['TOO_MANY_ERRORS']);
  });
});

describe('the defaults of a production stage, over the benchmark graph', () => {
  const bench: RunningBenchSubgraph[] = [];
  let prod: RunningGateway;

  beforeAll(async () => {
    for (const name of benchSubgraphNames) bench.push(await startBenchSubgraph(name, { port: 0 }));
    prod = await startTestGateway(bench, { stage: 'prod' });
  });

  afterAll(async () => {
    await prod?.close();
    await Promise.all(bench.map((subgraph) => subgraph.close()));
  });

  const subgraphCalls = () => bench.reduce((sum, subgraph) => sum + subgraph.requestCount(), 0);

  it('serves the benchmark query (depth 8)', async () => {
    const response = await postGraphQL(prod.graphqlUrl, { query: readBenchFile('query.graphql') });
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
    expect((response.body as Body).errors).toBeUndefined();
    expect((response.body as { data: { users: unknown[] } }).data.users.length).toBeGreaterThan(0);
  });

  it('refuses 16 levels and an alias bomb with no subgraph call', async () => {
    for (const subgraph of bench) subgraph.resetRequestCount();
    // users → reviews → author → reviews → … → id: 16 levels, a valid query.
    let selection = 'id';
    for (let level = 0; level < 14; level++)
      selection = level % 2 === 0 ? `author { ${selection} }` : `reviews { ${selection} }`;
    const deep = await postGraphQL(prod.graphqlUrl, { query: `{ users { ${selection} } }` });
    expect(deep.status).toBe(400);
    expect((deep.body as Body).errors?.[0]?.message).toBe(
      'The operation is nested 16 deep; this gateway allows at most 15 (security.limits.maxDepth).',
    );
    const aliases = (count: number) =>
      `{ users { ${Array.from({ length: count }, (_, index) => `a${index}: id`).join(' ')} } }`;
    const bomb = await postGraphQL(prod.graphqlUrl, { query: aliases(20_000) });
    expect(bomb.status).toBe(400);
    expect((bomb.body as Body).errors?.[0]?.extensions?.code).toBe('MAX_TOKENS_EXCEEDED');
    const small = await postGraphQL(prod.graphqlUrl, { query: aliases(31) });
    expect(small.status).toBe(400);
    expect((small.body as Body).errors?.[0]?.extensions?.code).toBe('MAX_ALIASES_EXCEEDED');
    expect(subgraphCalls()).toBe(0);
  });

  it.each([
    ['a directive bomb', `{ users { id ${'@include(if: true) '.repeat(51)}} }`, 'MAX_DIRECTIVES_EXCEEDED'],
    [
      'a fragment cycle',
      '{ users { ...A } } fragment A on User { reviews { ...B } } fragment B on Review { author { ...A } }',
      'MAX_DEPTH_EXCEEDED',
    ],
    [
      'a chain of 101 fragments',
      `{ users { ...F0 } } ${Array.from({ length: 101 }, (_, index) => `fragment F${index} on User { ${index < 100 ? `...F${index + 1}` : 'id'} }`).join(' ')}`,
      'MAX_FRAGMENTS_EXCEEDED',
    ],
    [
      'a fan-out of spreads (2^20 reaches)',
      `{ users { ...F0 } } ${Array.from({ length: 20 }, (_, index) => `fragment F${index} on User { ${index < 19 ? `...F${index + 1} ...F${index + 1}` : 'id'} }`).join(' ')}`,
      'MAX_SPREADS_EXCEEDED',
    ],
    [
      '31 root fields',
      `{ ${Array.from({ length: 31 }, (_, index) => `u${index}: users { id }`).join(' ')} }`,
      'MAX_ROOT_FIELDS_EXCEEDED',
    ],
  ])('refuses %s with no subgraph call', async (_name, query, code) => {
    for (const subgraph of bench) subgraph.resetRequestCount();
    const response = await postGraphQL(prod.graphqlUrl, { query });
    expect(response.status).toBe(400);
    expect((response.body as Body).errors?.map((error) => error.extensions?.code)).toEqual([code]);
    expect(subgraphCalls()).toBe(0);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { useIdentity } from '../../src/auth/identify.js';
import { resolveConfig } from '../../src/config/load.js';
import { useCsrfPrevention } from '../../src/edge/csrf.js';
import { fetchSupergraph, RegistryClient } from '../../src/registry/client.js';
import { registerRegistryApi } from '../../src/registry/http-api.js';
import { createRegistry } from '../../src/registry/service.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/index.js';
import type { ChangeOutcome, CheckReport, VersionSummary } from '../../src/registry/types.js';
import {
  callApi,
  ENGINES,
  SDL,
  startRegistryServer,
  testStoreConfig,
  TOKENS,
  type RegistryServer,
  type TestStoreConfig,
} from '../helpers/registry-api.js';

/*
 * The registry's HTTP API on a real server on loopback, on each storage engine: who may change what,
 * what it refuses and how it says so, and long-polls that answer as soon as a stage changes.
 */

const CI = TOKENS[0]?.token ?? '';
const MAX_SCHEMA_BYTES = 64 * 1024;

const publishBody = (sdl: string, extra: Record<string, unknown> = {}) => ({
  name: 'products',
  url: 'http://products.example:4001/graphql',
  sdl,
  ...extra,
});

describe.each(ENGINES)('the registry HTTP API on %s', (engine) => {
  let storeConfig: TestStoreConfig;
  let server: RegistryServer;

  beforeAll(async () => {
    storeConfig = testStoreConfig(engine);
    server = await startRegistryServer(storeConfig.config, { maxSchemaBytes: MAX_SCHEMA_BYTES });
  });

  afterAll(async () => {
    await server?.close();
    await storeConfig?.cleanup();
  });

  const history = async (stage = 'dev') => {
    const response = await callApi(server.url, 'GET', `/stages/${stage}/versions`);
    expect(response.status, response.text).toBe(200);
    return (response.json as { versions: VersionSummary[] }).versions;
  };

  it('refuses changes without a valid token with 401, and changes nothing', async () => {
    const cases = [
      {
        token: undefined,
        reason: /^Changes to the registry need a token: send the header "authorization: Bearer <token>"\.$/,
      },
      { token: 'not-a-token-of-this-registry', reason: /^The token is not one this registry accepts/ },
    ];
    for (const { token, reason } of cases) {
      for (const [method, path, body] of [
        ['POST', '/stages/dev/subgraphs', publishBody(SDL.products)],
        ['POST', '/stages/dev/checks', publishBody(SDL.products)],
        ['DELETE', '/stages/dev/subgraphs/products', undefined],
        ['POST', '/stages/dev/rollback', { to: 1 }],
        ['POST', '/stages/prod/promote', { from: 'dev' }],
        ['POST', '/stages/dev/usage', { records: [] }],
      ] as const) {
        const response = await callApi(server.url, method, path, {
          ...(token === undefined ? {} : { token }),
          ...(body === undefined ? {} : { body }),
        });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        const { error } = response.json as { error: { code: string; message: string } };
        expect(error.code).toBe('UNAUTHENTICATED');
        expect(error.message).toMatch(reason);
        expect(response.text).not.toContain(CI);
      }
    }
    const basic = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      body: publishBody(SDL.products),
      headers: { authorization: `Basic ${Buffer.from(`x:${CI}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    expect(await history()).toEqual([]);
  });

  it('publishes with a token, names the token in the history, and stores nothing for the same schema', async () => {
    const first = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      token: CI,
      body: publishBody(SDL.products, { owner: 'team-catalog' }),
    });
    expect(first.status, first.text).toBe(201);
    const created = first.json as Extract<ChangeOutcome, { status: 'created' }>;
    expect(created.status).toBe('created');
    expect(created.version).toMatchObject({ stage: 'dev', action: 'publish', publishedBy: 'ci' });

    const again = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      token: CI,
      body: publishBody(SDL.products),
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'unchanged', version: { id: created.version.id } });

    const versions = await history();
    expect(versions.map((version) => version.id)).toEqual([created.version.id]);
    const subgraphs = await callApi(server.url, 'GET', '/stages/dev/subgraphs');
    expect(subgraphs.json).toMatchObject({
      subgraphs: [{ name: 'products', owner: 'team-catalog', updatedBy: 'ci', type: 'graphql' }],
    });
    const stored = await callApi(server.url, 'GET', `/versions/${created.version.id}`);
    expect(stored.json).toMatchObject({ id: created.version.id, hash: created.version.hash });
    expect(new Date((stored.json as { createdAt: string }).createdAt).toISOString()).toBe(
      (stored.json as { createdAt: string }).createdAt,
    );
    const stages = await callApi(server.url, 'GET', '/stages');
    expect(stages.json).toEqual({
      limits: { maxSchemaBytes: MAX_SCHEMA_BYTES, maxBodyBytes: MAX_SCHEMA_BYTES + 65_536 },
      stages: [{ name: 'dev', current: created.version }, { name: 'test' }, { name: 'prod' }],
    });
  });

  it('refuses bad input with INVALID_INPUT naming the field, and unknown things with 404', async () => {
    const before = await history();
    const cases: {
      method: 'GET' | 'POST' | 'DELETE';
      path: string;
      body?: unknown;
      rawBody?: string;
      contentType?: string;
      status: number;
      code: string;
      message: RegExp;
    }[] = [
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        body: { name: 'products', sdl: SDL.products },
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.url: /,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        body: publishBody(SDL.products, { url: 'ftp://products' }),
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.url: expected an http\(s\) URL/,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        body: publishBody(SDL.products, { name: 'bad name!' }),
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.name: expected a name of letters, digits/,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        body: publishBody(SDL.products, { allowBreakin: true }),
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.allowBreakin: unknown field/,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        body: publishBody(SDL.products, { type: 'soap' }),
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.type: expected "graphql" or "rest"/,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        body: [publishBody(SDL.products)],
        status: 400,
        code: 'INVALID_INPUT',
        message: /body: expected a JSON object/,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        rawBody: '{"name": "products",',
        status: 400,
        code: 'INVALID_INPUT',
        message: /not valid JSON/,
      },
      {
        method: 'POST',
        path: '/stages/dev/subgraphs',
        rawBody: 'type Query { a: Int }',
        contentType: 'text/plain',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: /application\/json/,
      },
      {
        method: 'POST',
        path: '/stages/staging/subgraphs',
        body: publishBody(SDL.products),
        status: 404,
        code: 'UNKNOWN_STAGE',
        message: /"staging".*dev/,
      },
      {
        method: 'GET',
        path: '/stages/Not%20A%20Stage/subgraphs',
        status: 400,
        code: 'INVALID_INPUT',
        message: /path\.stage: expected a stage name/,
      },
      { method: 'GET', path: '/versions/abc', status: 400, code: 'INVALID_INPUT', message: /path\.id: / },
      { method: 'GET', path: '/versions/999999', status: 404, code: 'UNKNOWN_VERSION', message: /999999/ },
      {
        method: 'GET',
        path: '/diff?from=1',
        status: 400,
        code: 'INVALID_INPUT',
        message: /query\.to: /,
      },
      {
        method: 'GET',
        path: '/stages/dev/supergraph?wait=60000',
        status: 400,
        code: 'INVALID_INPUT',
        message: /query\.wait: expected at most 30000 ms/,
      },
      {
        method: 'GET',
        path: '/stages/dev/versions?limit=0',
        status: 400,
        code: 'INVALID_INPUT',
        message: /query\.limit/,
      },
      {
        method: 'DELETE',
        path: '/stages/dev/subgraphs/nobody',
        status: 404,
        code: 'UNKNOWN_SUBGRAPH',
        message: /no subgraph "nobody"/,
      },
      {
        method: 'POST',
        path: '/stages/dev/rollback',
        body: { to: -1 },
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.to: /,
      },
      {
        method: 'POST',
        path: '/stages/test/promote',
        body: { from: 'prod' },
        status: 404,
        code: 'EMPTY_STAGE',
        message: /"prod"/,
      },
      {
        method: 'POST',
        path: '/stages/dev/usage',
        body: { records: [{ operationHash: 'x' }] },
        status: 400,
        code: 'INVALID_INPUT',
        message: /body\.records\[0\]\.operationName: /,
      },
      {
        method: 'GET',
        path: '/nothing/here',
        status: 404,
        code: 'NOT_FOUND',
        message: /GET \/registry\/v1\/nothing/,
      },
      {
        method: 'GET',
        path: '/stages/test/supergraph',
        status: 404,
        code: 'EMPTY_STAGE',
        message: /Nothing has been published to stage "test"/,
      },
    ];
    for (const testCase of cases) {
      const response = await callApi(server.url, testCase.method, testCase.path, {
        token: CI,
        ...(testCase.body === undefined ? {} : { body: testCase.body }),
        ...(testCase.rawBody === undefined ? {} : { rawBody: testCase.rawBody }),
        ...(testCase.contentType === undefined ? {} : { headers: { 'content-type': testCase.contentType } }),
      });
      const label = `${testCase.method} ${testCase.path}: ${response.text}`;
      expect(response.status, label).toBe(testCase.status);
      expect(response.headers['content-type'], label).toMatch(/^application\/json/);
      const { error } = response.json as { error: { code: string; message: string } };
      expect(error.code, label).toBe(testCase.code);
      expect(error.message, label).toMatch(testCase.message);
      expect(response.text, label).not.toMatch(/\n\s+at /);
    }
    expect(await history()).toEqual(before);
  });

  it('refuses bodies over the limit with 413 saying the limit, before or after reading them', async () => {
    const before = await history();
    const padding = (bytes: number) => `\n# ${'x'.repeat(bytes)}\n`;
    // Larger than maxSchemaBytes + 64 KiB: refused by the body limit.
    const huge = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      token: CI,
      body: publishBody(SDL.products + padding(MAX_SCHEMA_BYTES + 80 * 1024)),
    });
    expect(huge.status).toBe(413);
    expect(huge.json).toEqual({
      error: {
        code: 'SCHEMA_TOO_LARGE',
        message: `The request body is larger than the registry's limit of ${MAX_SCHEMA_BYTES + 65_536} bytes (registry.maxSchemaBytes, ${MAX_SCHEMA_BYTES}, plus 64 KiB).`,
      },
    });
    // Within the body limit, but an SDL larger than maxSchemaBytes.
    for (const path of ['/stages/dev/subgraphs', '/stages/dev/checks']) {
      const large = await callApi(server.url, 'POST', path, {
        token: CI,
        body: publishBody(SDL.products + padding(MAX_SCHEMA_BYTES)),
      });
      expect(large.status).toBe(413);
      const { error } = large.json as { error: { code: string; message: string } };
      expect(error.code).toBe('SCHEMA_TOO_LARGE');
      expect(error.message).toContain(`${MAX_SCHEMA_BYTES} bytes (registry.maxSchemaBytes)`);
    }
    expect(await history()).toEqual(before);
  });

  it('rejects a change that breaks operations the gateways reported, and allows one nothing used', async () => {
    const usage = await callApi(server.url, 'POST', '/stages/dev/usage', {
      token: CI,
      body: {
        records: [
          {
            operationHash: 'a'.repeat(64),
            operationName: 'ProductPrices',
            clientName: 'web',
            clientVersion: '1.4.0',
            coordinates: ['Query.products', 'Product.id', 'Product.price'],
            count: 12,
            seenAt: new Date().toISOString(),
          },
        ],
      },
    });
    expect(usage.status, usage.text).toBe(202);
    expect(usage.json).toEqual({ accepted: 1 });
    const before = await history();

    const check = await callApi(server.url, 'POST', '/stages/dev/checks', {
      token: CI,
      body: publishBody(SDL.productsWithoutPrice),
    });
    expect(check.status).toBe(200);
    const { report } = check.json as { report: CheckReport };
    expect(report).toMatchObject({ ok: false, blockingChanges: 1 });
    expect(report.changes.find((change) => change.path === 'Product.price')?.affected).toMatchObject([
      { operationName: 'ProductPrices', clients: [{ name: 'web', version: '1.4.0' }] },
    ]);

    const rejected = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      token: CI,
      body: publishBody(SDL.productsWithoutPrice),
    });
    expect(rejected.status).toBe(422);
    expect(rejected.json).toMatchObject({ status: 'rejected', report: { ok: false, blockingChanges: 1 } });
    expect(await history()).toEqual(before);

    const unused = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      token: CI,
      body: publishBody(SDL.productsWithoutName),
    });
    expect(unused.status, unused.text).toBe(201);
    expect(unused.json).toMatchObject({
      status: 'created',
      report: { safeBreakingChanges: 1, blockingChanges: 0 },
    });
  });

  it('answers a long-poll within a second of a publish, and 304 when the wait ends unchanged', async () => {
    const current = await callApi(server.url, 'GET', '/stages/dev/supergraph');
    expect(current.status).toBe(200);
    expect(current.headers['content-type']).toMatch(/^text\/plain/);
    const etag = String(current.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(current.text).toContain('join__Graph');

    const polling = callApi(server.url, 'GET', '/stages/dev/supergraph?wait=20000', {
      headers: { 'if-none-match': etag },
    }).then((response) => ({ response, at: Date.now() }));
    await sleep(300);
    const published = await callApi(server.url, 'POST', '/stages/dev/subgraphs', {
      token: CI,
      body: publishBody(SDL.productsWithoutName.replace('price: Float', 'price: Float inStock: Boolean')),
    });
    expect(published.status, published.text).toBe(201);
    const publishedAt = Date.now();
    const { response, at } = await polling;
    expect(at - publishedAt).toBeLessThan(1_000);
    expect(response.status).toBe(200);
    expect(response.text).toContain('inStock');
    const { version } = published.json as { version: VersionSummary };
    expect(response.headers['x-gatehouse-version']).toBe(String(version.id));
    expect(response.headers.etag).toBe(`"${version.hash}"`);

    const startedAt = Date.now();
    const unchanged = await callApi(server.url, 'GET', '/stages/dev/supergraph?wait=600', {
      headers: { 'if-none-match': `"${version.hash}"` },
    });
    expect(unchanged.status).toBe(304);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(550);
    expect(unchanged.headers.etag).toBe(`"${version.hash}"`);
  });

  it('serves the same API through RegistryClient and fetchSupergraph, with clear failures', async () => {
    const client = await RegistryClient.connect({ url: server.url, token: CI });
    try {
      expect(client.stages()).toEqual(['dev', 'test', 'prod']);
      const current = await client.current('dev');
      expect(current?.createdAt).toBeInstanceOf(Date);
      const first = await fetchSupergraph(server.url, 'dev');
      expect(first).toMatchObject({ status: 'changed', hash: current?.hash, versionId: current?.id });
      expect(await fetchSupergraph(server.url, 'dev', { etag: current?.hash ?? '', waitMs: 200 })).toEqual({
        status: 'unchanged',
      });
      expect(await fetchSupergraph(server.url, 'test')).toEqual({ status: 'empty' });
      await expect(client.history('staging')).rejects.toThrow(/There is no stage "staging"/);
      expect(await client.version(987_654)).toBeUndefined();

      const waiting = client.waitForChange('dev', current?.hash, 10_000);
      await sleep(200);
      const outcome = await client.publish({
        stage: 'dev',
        name: 'reviews',
        url: 'http://reviews:4002/',
        sdl: SDL.reviews,
      });
      expect(outcome.status).toBe('created');
      expect((await waiting)?.subgraphs.map((subgraph) => subgraph.name).sort()).toEqual([
        'products',
        'reviews',
      ]);
    } finally {
      await client.close();
    }

    const wrong = new RegistryClient({ url: server.url, token: 'wrong-token-0123456789' });
    await expect(
      wrong.publish({ stage: 'dev', name: 'x', url: 'http://x/', sdl: SDL.products }),
    ).rejects.toThrow(/^The registry refused the token \(401\)/);
    await wrong.close();

    const down = new RegistryClient({ url: 'http://127.0.0.1:1', token: CI });
    await expect(down.history('dev')).rejects.toThrow(
      'Cannot reach the registry at http://127.0.0.1:1: connection refused',
    );
    await down.close();
  });

  it('ends a waiting long-poll when the server closes, without waiting for it', async () => {
    const extra = await startRegistryServer(storeConfig.config);
    const { hash } = (await extra.registry.current('dev')) ?? { hash: '' };
    const polling = request(`${extra.url}/registry/v1/stages/dev/supergraph?wait=30000`, {
      headers: { 'if-none-match': `"${hash}"` },
    });
    await sleep(200);
    const closing = Date.now();
    await extra.close();
    expect(Date.now() - closing).toBeLessThan(2_000);
    const response = await polling;
    expect(response.statusCode).toBe(304);
    await response.body.dump();
  });
});

describe('a registry whose reads need a token (stage prod)', () => {
  let storeConfig: TestStoreConfig;
  let server: RegistryServer;

  beforeAll(async () => {
    storeConfig = testStoreConfig('sqlite');
    server = await startRegistryServer(storeConfig.config, { readsNeedToken: true });
  });

  afterAll(async () => {
    await server?.close();
    await storeConfig?.cleanup();
  });

  it('refuses reads without a token and answers them with one', async () => {
    for (const path of ['/stages', '/stages/prod/versions', '/stages/prod/supergraph', '/versions/1']) {
      const refused = await callApi(server.url, 'GET', path);
      expect(refused.status, path).toBe(401);
      expect((refused.json as { error: { message: string } }).error.message).toMatch(
        /^Reads of this registry need a token/,
      );
    }
    const answered = await callApi(server.url, 'GET', '/stages', { token: CI });
    expect(answered.status).toBe(200);
  });
});

describe("the registry API mounted on the gateway's own app", () => {
  it('is not refused by CSRF prevention or identity, which guard /graphql only', async () => {
    const storeConfig = testStoreConfig('sqlite');
    const store = await openStore(storeConfig.config);
    const config = resolveConfig({ auth: { require: 'authenticated' }, logging: { level: 'silent' } });
    const logger = pino({ level: 'silent' });
    const app = await buildApp({
      config,
      logger,
      state: () => ({ phase: 'starting' }),
      plugins: [useCsrfPrevention(), await useIdentity(config.auth, { logger }, [])],
    });
    const registry = createRegistry({
      repository: store.registry,
      stages: ['dev'],
      usageWindowDays: 30,
      maxSchemaBytes: MAX_SCHEMA_BYTES,
    });
    await registerRegistryApi(app, {
      registry,
      tokens: TOKENS,
      readsNeedToken: false,
      maxSchemaBytes: MAX_SCHEMA_BYTES,
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      // The gateway itself refuses anonymous GraphQL requests…
      const graphql = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(graphql.statusCode).toBe(401);
      await graphql.body.dump();
      // …but its registry takes the registry's token, and reads need none outside prod.
      const published = await callApi(url, 'POST', '/stages/dev/subgraphs', {
        token: CI,
        body: publishBody(SDL.products),
      });
      expect(published.status, published.text).toBe(201);
      const read = await callApi(url, 'GET', '/stages/dev/versions');
      expect(read.status, read.text).toBe(200);
      // A form post from another site's page is refused by the registry's JSON-only parsing.
      const form = await callApi(url, 'POST', '/stages/dev/subgraphs', {
        token: CI,
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      expect(form.json).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    } finally {
      await app.close();
      await registry.close();
      await store.close();
      await storeConfig.cleanup();
    }
  });
});

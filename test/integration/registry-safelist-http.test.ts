import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import type { Safelist, SafelistPushOutcome } from '../../src/registry/types.js';
import { RegistrySafelistSource, type SafelistOrigin } from '../../src/security/persisted/registry-source.js';
import type { TrustedDocument } from '../../src/security/persisted/source.js';
import { SAFELIST_LIMITS } from '../../src/store/safelist.js';
import {
  callApi,
  ENGINES,
  startRegistryServer,
  testStoreConfig,
  TOKENS,
  type RegistryServer,
  type TestStoreConfig,
} from '../helpers/registry-api.js';

/*
 * The safelist through the registry's HTTP API on each engine: who may push, what is refused and
 * how, the cheap conditional read gateways poll, and the source a gateway follows it with (over
 * HTTP and in process), picking up a push without a restart.
 */

const CI = TOKENS[0]?.token ?? '';
const ME = 'query Me { me { id } }';
const USERS = 'query Users { users { id } }';
const apollo = (operations: { id: string; body: string }[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: operations.map((operation) => ({ ...operation, type: 'query' })),
});

type ErrorBody = { error: { code: string; message: string } };

describe.each(ENGINES)('the safelist API on %s', (engine) => {
  let storeConfig: TestStoreConfig;
  let server: RegistryServer;
  let stage = 0;
  /** A stage of its own per test: the registry's stages are fixed, so tests use dev, test and prod in turn. */
  const nextStage = () => ['dev', 'test', 'prod'][stage++ % 3] ?? 'dev';

  beforeAll(async () => {
    storeConfig = testStoreConfig(engine);
    server = await startRegistryServer(storeConfig.config);
  });
  afterAll(async () => {
    // undici's shared pool may hold a connection it opened and never sent a request on (after the
    // followed long-poll was aborted), which Node's server keeps until its headers timeout.
    server?.app.server.closeAllConnections();
    await server?.close();
    await storeConfig?.cleanup();
  });

  const pushTo = (stageName: string, body: unknown, token: string | null = CI) =>
    callApi(server.url, 'POST', `/stages/${stageName}/safelist`, {
      body,
      ...(token === null ? {} : { token }),
    });
  const read = async (stageName: string) => {
    const response = await callApi(server.url, 'GET', `/stages/${stageName}/safelist`);
    expect(response.status, response.text).toBe(200);
    return response.json as Safelist;
  };

  it('pushes with a token, reports what was added and what was there, and serves the documents', async () => {
    const stageName = nextStage();
    const first = await pushTo(stageName, {
      manifest: apollo([{ id: 'me', body: ME }]),
      clientName: 'web',
      clientVersion: '1.2.0',
    });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toEqual({
      stage: stageName,
      format: 'apollo',
      clientName: 'web',
      clientVersion: '1.2.0',
      added: ['me'],
      existing: [],
      revision: 1,
    } satisfies SafelistPushOutcome);
    const relay = await pushTo(stageName, { manifest: { me: ME, users: USERS } });
    expect(relay.status).toBe(201);
    expect(relay.json).toMatchObject({ format: 'relay', added: ['users'], existing: ['me'], revision: 2 });
    const again = await pushTo(stageName, { manifest: { me: ME } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ added: [], existing: ['me'], revision: 2 });

    const safelist = await read(stageName);
    expect(safelist.revision).toBe(2);
    expect(safelist.documents).toMatchObject([
      { id: 'me', body: ME, clientName: 'web', clientVersion: '1.2.0', pushedBy: 'ci' },
      { id: 'users', body: USERS, clientName: null, clientVersion: null, pushedBy: 'ci' },
    ]);
  });

  it('refuses a push without a valid token with 401, and stores nothing', async () => {
    const stageName = nextStage();
    const before = (await read(stageName)).revision;
    for (const token of [null, 'not-a-token']) {
      const response = await pushTo(stageName, { manifest: { fresh: 'query Fresh { me { id } }' } }, token);
      expect(response.status).toBe(401);
      expect((response.json as ErrorBody).error.code).toBe('UNAUTHENTICATED');
    }
    expect((await read(stageName)).revision).toBe(before);
  });

  it('refuses bad manifests with 400, naming what is wrong', async () => {
    const stageName = nextStage();
    const cases: [unknown, RegExp][] = [
      [{}, /^body\.manifest: expected the manifest as a JSON object/],
      [{ manifest: [] }, /^body\.manifest: expected the manifest as a JSON object/],
      [{ manifest: { a: ME }, extra: 1 }, /^body\.extra: unknown field$/],
      [{ manifest: { a: 'query {' } }, /^manifest: "a": the text is not a GraphQL operation: Syntax Error/],
      [
        { manifest: { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a' }] } },
        /operations\[0\]\.body/,
      ],
      [{ manifest: { a: ME }, clientName: '' }, /^body\.clientName: expected a client name$/],
    ];
    for (const [body, message] of cases) {
      const response = await pushTo(stageName, body);
      expect(response.status, response.text).toBe(400);
      expect((response.json as ErrorBody).error).toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(message),
      });
    }
    const unknownStage = await pushTo('staging', { manifest: { a: ME } });
    expect(unknownStage.status).toBe(404);
    expect((unknownStage.json as ErrorBody).error.code).toBe('UNKNOWN_STAGE');
    expect((await read(stageName)).documents.filter((document) => document.id === 'a')).toEqual([]);
  });

  it('refuses an id pushed before with another text (409), storing nothing of that push', async () => {
    const stageName = nextStage();
    await pushTo(stageName, { manifest: { conflict: ME } });
    const before = (await read(stageName)).revision;
    const response = await pushTo(stageName, { manifest: { 'new-one': USERS, conflict: USERS } });
    expect(response.status).toBe(409);
    const { error } = response.json as ErrorBody;
    expect(error.code).toBe('DOCUMENT_ID_CONFLICT');
    expect(error.message).toMatch(
      /already has "conflict" with a different operation text\. An id is a hash of the operation's text/,
    );
    expect((await read(stageName)).revision).toBe(before);
  });

  it('refuses a push past the limits with 413 SAFELIST_TOO_LARGE', async () => {
    const stageName = nextStage();
    const many = Object.fromEntries(
      Array.from({ length: SAFELIST_LIMITS.documentsPerPush + 1 }, (_, index) => [`id${index}`, ME]),
    );
    const tooMany = await pushTo(stageName, { manifest: many });
    expect(tooMany.status).toBe(413);
    expect((tooMany.json as ErrorBody).error).toEqual({
      code: 'SAFELIST_TOO_LARGE',
      message:
        'manifest: the manifest lists 10001 operations, more than the 10000 one push may carry: split it',
    });
    const huge = await callApi(server.url, 'POST', `/stages/${stageName}/safelist`, {
      token: CI,
      rawBody: JSON.stringify({
        manifest: { big: `query Big { me { id } } #${'x'.repeat(SAFELIST_LIMITS.pushBytes)}` },
      }),
    });
    expect(huge.status).toBe(413);
    expect((huge.json as ErrorBody).error).toEqual({
      code: 'SAFELIST_TOO_LARGE',
      message: `The push is larger than the registry's limit of ${SAFELIST_LIMITS.pushBytes} bytes per push: split the manifest.`,
    });
  });

  it('answers a poll with the revision as ETag: 304 while unchanged, and at once when a push lands', async () => {
    const stageName = nextStage();
    await pushTo(stageName, { manifest: { polled: ME } });
    const first = await callApi(server.url, 'GET', `/stages/${stageName}/safelist`);
    const etag = first.headers.etag as string;
    const { revision } = first.json as Safelist;
    expect(etag).toBe(`"${revision}"`);
    const unchanged = await callApi(server.url, 'GET', `/stages/${stageName}/safelist`, {
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.status).toBe(304);

    const waiting = callApi(server.url, 'GET', `/stages/${stageName}/safelist?wait=20000`, {
      headers: { 'if-none-match': etag },
    });
    await pushTo(stageName, { manifest: { 'polled-later': USERS } });
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect((answered.json as Safelist).revision).toBe(revision + 1);
    expect(answered.headers.etag).toBe(`"${revision + 1}"`);
  });

  it('needs a token to read where reads need one (stage prod)', async () => {
    const guarded = await startRegistryServer(testStoreConfig('sqlite').config, { readsNeedToken: true });
    try {
      expect((await callApi(guarded.url, 'GET', '/stages/prod/safelist')).status).toBe(401);
      const client = new RegistryClient({ url: guarded.url, token: CI });
      expect(await client.safelist('prod')).toEqual({ stage: 'prod', revision: 0, documents: [] });
      await client.close();
    } finally {
      await guarded.close();
    }
  });

  describe.each(['remote', 'embedded'] as const)('followed by a gateway (%s)', (kind) => {
    it('loads the stage, then picks up a push without a restart', async () => {
      const stageName = nextStage();
      await pushTo(stageName, { manifest: { [`${kind}-first`]: ME }, clientName: 'web' });
      const origin: SafelistOrigin =
        kind === 'remote'
          ? { kind, url: server.url, stage: stageName, token: undefined }
          : { kind, registry: server.registry, stage: stageName };
      const errors: string[] = [];
      const source = new RegistrySafelistSource({
        origin,
        onRefreshError: (message) => errors.push(message),
      });
      const changes: (readonly TrustedDocument[])[] = [];
      try {
        const initial = await source.start((documents) => changes.push(documents));
        expect(initial).toContainEqual({
          id: `${kind}-first`,
          body: ME,
          clientName: 'web',
          clientVersion: undefined,
        });
        await pushTo(stageName, { manifest: { [`${kind}-second`]: USERS } });
        await expect
          .poll(() => changes.at(-1)?.map((document) => document.id), { timeout: 5_000 })
          .toContain(`${kind}-second`);
        expect(errors).toEqual([]);
      } finally {
        await source.close();
      }
    });
  });

  it('refuses to start a source on a stage the registry does not have, saying which', async () => {
    const source = new RegistrySafelistSource({
      origin: { kind: 'remote', url: server.url, stage: 'staging', token: undefined },
    });
    await expect(source.start(() => {})).rejects.toThrow(
      /^Cannot load the safelist of registry http:\/\/127\.0\.0\.1:\d+ stage staging: There is no stage "staging"/,
    );
  });
});

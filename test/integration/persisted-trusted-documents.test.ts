import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, readResponse, startTestGateway } from '../helpers/gateway.js';
import { startThingsSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

// Trusted documents (security.trustedDocuments) from manifest files, as a public API restricted to the
// operations its own clients ship: one client's build wrote an Apollo manifest, another's a Relay one.

const ADMIN_TOKEN = { name: 'ops', token: 'trusted-documents-admin-token-0123456789' };
const THING = 'query Thing { thing { id name } }';
const THING_ID = createHash('sha256').update(THING).digest('hex');
const NAME = 'query ThingName { thing { name } }';
const NAME_ID = 'relay-thing-name';
const UNTRUSTED = 'query Sneaky { thing { id name } }';
const THING_DATA = { thing: { id: '1', name: 'one' } };

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

let things: RecordingSubgraph;
let dir: string;
let apolloManifest: string;
let relayManifest: string;

function apollo(operations: { id: string; name: string; body: string }[]): string {
  return JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((operation) => ({ ...operation, type: 'query' })),
  });
}

/** Replaces a file the way deploy tools do: write another, rename it over. */
function replaceFile(path: string, text: string): void {
  const next = `${path}.${randomUUID()}.tmp`;
  writeFileSync(next, text);
  renameSync(next, path);
}

beforeAll(async () => {
  things = await startThingsSubgraph();
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-trusted-'));
  apolloManifest = join(dir, 'apollo.json');
  relayManifest = join(dir, 'relay.json');
  writeFileSync(apolloManifest, apollo([{ id: THING_ID, name: 'Thing', body: THING }]));
  writeFileSync(relayManifest, JSON.stringify({ [NAME_ID]: NAME }));
});

afterAll(async () => {
  await things.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  mode: 'enforce' | 'log' | 'off',
  lines: LogLine[] = [],
  manifests = [apolloManifest, relayManifest],
) {
  return startTestGateway(
    [things],
    {
      logging: { level: 'info' },
      registry: { tokens: [ADMIN_TOKEN] },
      security: { trustedDocuments: { mode, manifests } },
    },
    { logStream: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } },
  );
}

describe('enforce', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await start('enforce');
  });
  afterAll(() => gateway.close());

  it('serves an id-only request from either manifest (documentId, APQ extension, GET)', async () => {
    expect((await postGraphQL(gateway.graphqlUrl, { documentId: THING_ID } as object)).body).toEqual({
      data: THING_DATA,
    });
    expect((await postGraphQL(gateway.graphqlUrl, { documentId: NAME_ID } as object)).body).toEqual({
      data: { thing: { name: 'one' } },
    });
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: THING_ID } } };
    expect((await postGraphQL(gateway.graphqlUrl, apq)).body).toEqual({ data: THING_DATA });
    const get = await fetch(`${gateway.graphqlUrl}?documentId=${NAME_ID}`, {
      // GET needs a preflight header (CSRF prevention).
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect((await readResponse(get)).body).toEqual({ data: { thing: { name: 'one' } } });
  });

  it('serves the full text of a trusted document', async () => {
    expect((await postGraphQL(gateway.graphqlUrl, { query: THING })).body).toEqual({ data: THING_DATA });
  });

  it('refuses any other text with 403 PERSISTED_QUERY_NOT_IN_SAFELIST, naming operation and client', async () => {
    const before = things.operations().length;
    const headers = { 'apollographql-client-name': 'web', 'apollographql-client-version': '1.2.0' };
    for (const body of [
      { query: UNTRUSTED },
      // A registration through APQ is no way around it.
      {
        query: UNTRUSTED,
        extensions: {
          persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(UNTRUSTED).digest('hex') },
        },
      },
    ]) {
      const response = await postGraphQL(gateway.graphqlUrl, body, headers);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        errors: [
          {
            message: expect.stringMatching(
              /^The operation "Sneaky" from client "web" "1\.2\.0" is not one of the trusted documents/,
            ),
            extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST' },
          },
        ],
      });
    }
    // The same text with one more space is another document: texts are compared exactly.
    expect((await postGraphQL(gateway.graphqlUrl, { query: `${THING} ` })).status).toBe(403);
    expect(things.operations()).toHaveLength(before);
  });

  it('refuses an unknown id: documentId with 400, an APQ hash as Apollo does (200, the client then sends the text)', async () => {
    const unknown = await postGraphQL(gateway.graphqlUrl, { documentId: 'nope' } as object);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      errors: [
        { message: expect.stringContaining('"nope"'), extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      ],
    });
    const apq = await postGraphQL(gateway.graphqlUrl, {
      extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } },
    });
    expect(apq.status).toBe(200);
    expect(apq.body).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });

  it('lets a valid admin token run anything (the sandbox in prod), and no other token', async () => {
    const admin = await postGraphQL(
      gateway.graphqlUrl,
      { query: UNTRUSTED },
      { 'gatehouse-admin-token': ADMIN_TOKEN.token },
    );
    expect(admin.body).toEqual({ data: THING_DATA });
    const forged = await postGraphQL(
      gateway.graphqlUrl,
      { query: UNTRUSTED },
      { 'gatehouse-admin-token': 'not-the-admin-token-0123456789' },
    );
    expect(forged.status).toBe(403);
  });

  it('does not serve by hash what an admin registered through APQ', async () => {
    const hash = createHash('sha256').update(UNTRUSTED).digest('hex');
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
    const admin = { 'gatehouse-admin-token': ADMIN_TOKEN.token };
    expect((await postGraphQL(gateway.graphqlUrl, { query: UNTRUSTED, ...apq }, admin)).body).toEqual({
      data: THING_DATA,
    });
    await expect
      .poll(async () => (await postGraphQL(gateway.graphqlUrl, apq, admin)).body)
      .toEqual({ data: THING_DATA });
    const client = await postGraphQL(gateway.graphqlUrl, apq);
    expect(client.body).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });

  it('holds for every operation of a batch', async () => {
    // Batching is off by default; the batch is refused before trusted documents look at it.
    const response = await postGraphQL(
      gateway.graphqlUrl,
      JSON.stringify([{ query: THING }, { query: UNTRUSTED }]),
    );
    expect(response.status).toBe(400);
  });
});

describe('operation limits', () => {
  it('apply to an operation sent by id as to any other', async () => {
    const gateway = await startTestGateway([things], {
      security: {
        trustedDocuments: { mode: 'enforce', manifests: [apolloManifest] },
        limits: { mode: 'enforce', maxDepth: 1 },
      },
    });
    try {
      const before = things.operations().length;
      const response = await postGraphQL(gateway.graphqlUrl, { documentId: THING_ID } as object);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ errors: [{ extensions: { code: 'MAX_DEPTH_EXCEEDED' } }] });
      expect(things.operations()).toHaveLength(before);
    } finally {
      await gateway.close();
    }
  });
});

describe('log', () => {
  it('serves unknown operations and logs each (operation, client) once, with the client', async () => {
    const lines: LogLine[] = [];
    const gateway = await start('log', lines);
    try {
      const web = { 'apollographql-client-name': 'web', 'apollographql-client-version': '1.2.0' };
      for (let i = 0; i < 3; i++)
        expect((await postGraphQL(gateway.graphqlUrl, { query: UNTRUSTED }, web)).body).toEqual({
          data: THING_DATA,
        });
      await postGraphQL(gateway.graphqlUrl, { query: UNTRUSTED }, { 'apollographql-client-name': 'ios' });
      await postGraphQL(gateway.graphqlUrl, { query: THING }, web);
      expect((await postGraphQL(gateway.graphqlUrl, { documentId: NAME_ID } as object)).status).toBe(200);
      const reported = lines.filter((line) => line.level === 40 && line.msg.startsWith('trusted documents:'));
      expect(reported).toEqual([
        expect.objectContaining({
          operationHash: createHash('sha256').update(UNTRUSTED).digest('hex'),
          clientName: 'web',
          clientVersion: '1.2.0',
          msg: expect.stringContaining('operation "Sneaky" from client "web" "1.2.0"'),
        }),
        expect.objectContaining({ clientName: 'ios', msg: expect.stringContaining('client "ios"') }),
      ]);
    } finally {
      await gateway.close();
    }
  });
});

describe('manifest changes', () => {
  it('reloads a changed manifest, and keeps the last good one when the new one is bad', async () => {
    const path = join(dir, `reloaded-${randomUUID()}.json`);
    writeFileSync(path, apollo([{ id: 'first', name: 'Thing', body: THING }]));
    const lines: LogLine[] = [];
    const gateway = await start('enforce', lines, [path]);
    try {
      expect((await postGraphQL(gateway.graphqlUrl, { documentId: 'first' } as object)).status).toBe(200);
      replaceFile(path, apollo([{ id: 'second', name: 'Thing', body: THING }]));
      await expect
        .poll(async () => (await postGraphQL(gateway.graphqlUrl, { documentId: 'second' } as object)).status)
        .toBe(200);
      expect((await postGraphQL(gateway.graphqlUrl, { documentId: 'first' } as object)).status).toBe(400);

      replaceFile(
        path,
        '{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id": "third" }] }',
      );
      await expect
        .poll(() => lines.find((line) => line.level === 50 && line.msg.startsWith('trusted documents:')))
        .toMatchObject({
          manifest: path,
          msg: expect.stringContaining(
            `${path} is not valid: operations[0].body: expected a non-empty string`,
          ),
        });
      expect((await postGraphQL(gateway.graphqlUrl, { documentId: 'second' } as object)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('does not start with a manifest that is missing or bad, naming the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "abc": 1 }');
    await expect(start('enforce', [], [bad])).rejects.toThrow(
      `The trusted-documents manifest ${bad} is not valid: "abc"`,
    );
    const missing = join(dir, 'missing.json');
    await expect(start('log', [], [missing])).rejects.toThrow(
      `Cannot read the trusted-documents manifest ${missing}: no such file`,
    );
  });
});

describe('off, with manifests', () => {
  it('resolves ids and runs any text', async () => {
    const gateway = await start('off');
    try {
      expect((await postGraphQL(gateway.graphqlUrl, { documentId: THING_ID } as object)).body).toEqual({
        data: THING_DATA,
      });
      expect((await postGraphQL(gateway.graphqlUrl, { query: UNTRUSTED })).body).toEqual({
        data: THING_DATA,
      });
    } finally {
      await gateway.close();
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { SafelistConflict, type SafelistPush } from '../../src/store/safelist.js';
import { ENGINES, testStoreConfig, type TestStoreConfig } from '../helpers/registry-api.js';

/*
 * The safelist in the registry's storage, on SQLite and PostgreSQL: pushes add what a stage lacks,
 * all or nothing; an id keeps its text for good; the revision grows with every addition.
 */

const ME = 'query Me { me { id } }';
const USERS = 'query Users { users { id } }';

function push(documents: SafelistPush['documents'], extra: Partial<SafelistPush> = {}): SafelistPush {
  return {
    stage: 'prod',
    documents,
    clientName: 'web',
    clientVersion: '1.2.0',
    pushedBy: 'ci',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    ...extra,
  };
}

describe.each(ENGINES)('the safelist in the registry store on %s', (engine) => {
  let storeConfig: TestStoreConfig;
  let store: Store;
  beforeEach(async () => {
    storeConfig = testStoreConfig(engine);
    store = await openStore(storeConfig.config);
  });
  afterEach(async () => {
    await store?.close();
    await storeConfig?.cleanup();
  });

  it('adds what the stage lacks, reports what it had, and reads it back with client and pusher', async () => {
    expect(await store.registry.safelistRevision('prod')).toBe(0);
    expect(await store.registry.safelist('prod')).toEqual([]);

    const first = await store.registry.pushSafelist(push([{ id: 'me', body: ME }]));
    expect(first).toEqual({ added: ['me'], existing: [], revision: 1 });
    const second = await store.registry.pushSafelist(
      push(
        [
          { id: 'me', body: ME },
          { id: 'users', body: USERS },
        ],
        {
          clientName: null,
          clientVersion: null,
          pushedBy: 'alice',
          createdAt: new Date('2026-01-03T00:00:00Z'),
        },
      ),
    );
    expect(second).toEqual({ added: ['users'], existing: ['me'], revision: 2 });

    expect(await store.registry.safelistRevision('prod')).toBe(2);
    expect(await store.registry.safelist('prod')).toEqual([
      {
        id: 'me',
        body: ME,
        clientName: 'web',
        clientVersion: '1.2.0',
        pushedBy: 'ci',
        createdAt: new Date('2026-01-02T03:04:05.678Z'),
      },
      {
        id: 'users',
        body: USERS,
        clientName: null,
        clientVersion: null,
        pushedBy: 'alice',
        createdAt: new Date('2026-01-03T00:00:00Z'),
      },
    ]);
    // Stages are separate.
    expect(await store.registry.safelist('dev')).toEqual([]);
    expect(
      await store.registry.pushSafelist(push([{ id: 'me', body: USERS }], { stage: 'dev' })),
    ).toMatchObject({
      added: ['me'],
      revision: 1,
    });
  });

  it('refuses an id stored with another text, and stores nothing of that push', async () => {
    await store.registry.pushSafelist(push([{ id: 'me', body: ME }]));
    const refused = store.registry.pushSafelist(
      push([
        { id: 'users', body: USERS },
        { id: 'me', body: 'query Me { me { id name } }' },
      ]),
    );
    await expect(refused).rejects.toBeInstanceOf(SafelistConflict);
    await expect(refused).rejects.toThrow(
      /^Stage "prod" already has "me" with a different operation text\. An id is a hash of the operation's text/,
    );
    expect((await store.registry.safelist('prod')).map((document) => document.id)).toEqual(['me']);
    expect(await store.registry.safelistRevision('prod')).toBe(1);
  });

  it('keeps one text per id when two processes push the same id at once', async () => {
    const other = await openStore(storeConfig.config);
    try {
      const results = await Promise.allSettled([
        store.registry.pushSafelist(push([{ id: 'x', body: ME }])),
        other.registry.pushSafelist(push([{ id: 'x', body: USERS }])),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(SafelistConflict);
      expect(await store.registry.safelist('prod')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('stores a push larger than one statement takes (chunked), in one transaction', async () => {
    const documents = Array.from({ length: 1_001 }, (_, index) => ({
      id: `op${index}`,
      body: `query Op${index} { me { id } }`,
    }));
    expect((await store.registry.pushSafelist(push(documents))).revision).toBe(1_001);
    const again = await store.registry.pushSafelist(push(documents));
    expect(again.added).toEqual([]);
    expect(again.existing).toHaveLength(1_001);
  });

  it.runIf(engine === 'postgres')('tells other processes of a push that added something', async () => {
    const other = await openStore(storeConfig.config);
    const heard: string[] = [];
    const unsubscribe = await other.registry.subscribe?.((stage) => heard.push(stage));
    try {
      await store.registry.pushSafelist(push([{ id: 'me', body: ME }]));
      await store.registry.pushSafelist(push([{ id: 'me', body: ME }]));
      await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['safelist:prod']);
    } finally {
      await unsubscribe?.();
      await other.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.js';
import type { NewVersion, UsageRecord } from '../../src/store/registry.js';
import { testSchema, withClient } from '../helpers/postgres.js';

/** A store configuration for one test, and what to clean up after it. */
interface StoreCase {
  config: StoreConfig;
  cleanup?: () => Promise<void>;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const engines: [string, () => StoreCase][] = [
  ['SQLite', () => ({ config: { sqlite: join(dir, 'registry.db') } })],
  [
    'PostgreSQL',
    () => {
      const schema = testSchema('gatehouse_registry_store');
      return { config: schema.store, cleanup: schema.drop };
    },
  ],
];

function newVersion(stage: string, hash: string, extra: Partial<NewVersion> = {}): NewVersion {
  return {
    stage,
    action: 'publish',
    summary: `publish ${hash}`,
    subgraphs: [
      {
        name: 'accounts',
        url: 'http://127.0.0.1:4001/graphql',
        sdl: 'type Query { me: String }',
        type: 'graphql',
        owner: 'team-accounts',
        updatedBy: 'ci',
        updatedAt: '2025-01-02T03:04:05.000Z',
      },
    ],
    supergraphSdl: `# supergraph ${hash}`,
    hash,
    publishedBy: 'ci',
    createdAt: new Date('2025-01-02T03:04:05.678Z'),
    checkReport: { ok: true, changes: [] },
    ...extra,
  };
}

function usage(extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    stage: 'dev',
    operationHash: 'op-me',
    operationName: 'Me',
    clientName: 'web',
    clientVersion: '1.2.0',
    coordinates: ['Query.me', 'User.name'],
    count: 3,
    seenAt: new Date(),
    ...extra,
  };
}

describe.each(engines)('registry storage on %s', (engine, storeCase) => {
  let config: StoreConfig;
  let store: Store;
  let cleanup: (() => Promise<void>) | undefined;
  const others: Store[] = [];
  beforeEach(async () => {
    const opened = storeCase();
    config = opened.config;
    cleanup = opened.cleanup;
    store = await openStore(config);
  });
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await store?.close();
    await cleanup?.();
  });

  it('starts empty', async () => {
    expect(await store.registry.head('dev')).toBeUndefined();
    expect(await store.registry.headHash('dev')).toBeUndefined();
    expect(await store.registry.history('dev', 10)).toEqual([]);
    expect(await store.registry.version(1)).toBeUndefined();
  });

  it('stores versions with ids increasing over every stage, and reads them back whole', async () => {
    const { registry } = store;
    const first = await registry.exclusive((writer) => writer.insertVersion(newVersion('dev', 'a')));
    const second = await registry.exclusive((writer) => writer.insertVersion(newVersion('test', 'b')));
    const third = await registry.exclusive((writer) => writer.insertVersion(newVersion('dev', 'c')));
    expect([first.id, second.id, third.id]).toEqual([1, 2, 3]);
    expect(await registry.headHash('dev')).toBe('c');
    expect(await registry.headHash('test')).toBe('b');
    expect(await registry.version(1)).toEqual({ ...newVersion('dev', 'a'), id: 1 });
    expect((await registry.head('dev'))?.id).toBe(3);
    expect((await registry.history('dev', 10)).map((version) => version.id)).toEqual([3, 1]);
    expect((await registry.history('dev', 1)).map((version) => version.id)).toEqual([3]);
  });

  it('writes nothing when the exclusive work fails', async () => {
    await expect(
      store.registry.exclusive(async (writer) => {
        await writer.insertVersion(newVersion('dev', 'a'));
        throw new Error('checks failed');
      }),
    ).rejects.toThrow('checks failed');
    expect(await store.registry.head('dev')).toBeUndefined();
    const next = await store.registry.exclusive((writer) => writer.insertVersion(newVersion('dev', 'b')));
    expect(next.id).toBe(1);
  });

  it('serialises concurrent writers: each reads the head the previous one wrote', async () => {
    const seen = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        store.registry.exclusive(async (writer) => {
          const head = await writer.head('dev');
          await new Promise((resolve) => setTimeout(resolve, 5));
          const stored = await writer.insertVersion(newVersion('dev', `h${index}`));
          return { before: head?.id ?? 0, id: stored.id };
        }),
      ),
    );
    expect(seen.map(({ before, id }) => id - before)).toEqual(Array(10).fill(1));
    expect(new Set(seen.map(({ id }) => id)).size).toBe(10);
  });

  it('refuses a writer used after its exclusive call ended', async () => {
    let kept: Parameters<Parameters<Store['registry']['exclusive']>[0]>[0] | undefined;
    await store.registry.exclusive(async (writer) => {
      kept = writer;
    });
    await expect(async () => kept?.insertVersion(newVersion('dev', 'late'))).rejects.toThrow(
      /after its exclusive/,
    );
  });

  it('adds usage up per operation, client and day, and finds it by coordinate', async () => {
    const { registry } = store;
    const now = new Date();
    await registry.recordUsage([
      usage({ count: 2, seenAt: new Date(now.getTime() - 1000) }),
      // The latest sighting, at exactly `now` (the default, a fresh Date, may fall a millisecond later).
      usage({ count: 3, seenAt: now }),
    ]);
    await registry.recordUsage([usage({ count: 5, seenAt: new Date(now.getTime() - 500) })]);
    await registry.recordUsage([
      usage({
        operationHash: 'op-users',
        operationName: 'Users',
        clientName: 'ios',
        coordinates: ['Query.users'],
      }),
      usage({ stage: 'test', operationHash: 'op-test', coordinates: ['Query.me'] }),
    ]);
    const since = new Date(now.getTime() - 60_000);
    const found = await registry.usageOf('dev', ['User.name'], since);
    expect(found).toEqual([
      {
        coordinate: 'User.name',
        operationHash: 'op-me',
        operationName: 'Me',
        clientName: 'web',
        clientVersion: '1.2.0',
        count: 10,
        lastSeen: now,
      },
    ]);
    const byType = await registry.usageOf('dev', ['Query.*'], since);
    expect(byType.map((row) => `${row.coordinate} ${row.operationName}`)).toEqual([
      'Query.me Me',
      'Query.users Users',
    ]);
    expect(await registry.usageOf('dev', ['Query.me'], new Date(now.getTime() + 1000))).toEqual([]);
    expect(await registry.usageOf('dev', ['Nothing.here'], since)).toEqual([]);
  });

  it('matches `Type.*` literally: an underscore is no wildcard', async () => {
    await store.registry.recordUsage([usage({ coordinates: ['MyXType.a', 'My_Type.b'] })]);
    const rows = await store.registry.usageOf('dev', ['My_Type.*'], new Date(Date.now() - 60_000));
    expect(rows.map((row) => row.coordinate)).toEqual(['My_Type.b']);
  });

  it('refuses usage beyond its bounds and stores none of it', async () => {
    const { registry } = store;
    await expect(registry.recordUsage(Array.from({ length: 1001 }, () => usage()))).rejects.toThrow(
      /at most 1000/,
    );
    await expect(registry.recordUsage([usage(), usage({ clientName: 'x'.repeat(513) })])).rejects.toThrow(
      /usage record 1: clientName/,
    );
    await expect(registry.recordUsage([usage({ count: 0 })])).rejects.toThrow(/count/);
    await expect(registry.recordUsage([usage({ coordinates: Array(5001).fill('A.b') })])).rejects.toThrow(
      /coordinates/,
    );
    expect(await registry.usageOf('dev', ['Query.me'], new Date(0))).toEqual([]);
  });

  it('lets a second store on the same database see the versions', async () => {
    const other = await openStore(config);
    others.push(other);
    await store.registry.exclusive((writer) => writer.insertVersion(newVersion('dev', 'a')));
    expect(await other.registry.headHash('dev')).toBe('a');
    const next = await other.registry.exclusive((writer) => writer.insertVersion(newVersion('dev', 'b')));
    expect(next.id).toBe(2);
  });

  it.runIf(engine === 'PostgreSQL')(
    'serialises writers of two stores (two pools) on one database',
    async () => {
      const other = await openStore(config);
      others.push(other);
      let inside = 0;
      let overlapped = false;
      const write = (registry: Store['registry'], index: number) =>
        registry.exclusive(async (writer) => {
          inside++;
          if (inside > 1) overlapped = true;
          const head = await writer.head('dev');
          await new Promise((resolve) => setTimeout(resolve, 10));
          const stored = await writer.insertVersion(newVersion('dev', `h${index}`));
          inside--;
          return stored.id - (head?.id ?? 0);
        });
      const steps = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          write(index % 2 === 0 ? store.registry : other.registry, index),
        ),
      );
      expect(overlapped).toBe(false);
      expect(steps).toEqual(Array(12).fill(1));
    },
  );

  it.runIf(engine === 'PostgreSQL')('notifies another store of a committed version', async () => {
    const other = await openStore(config);
    others.push(other);
    const stages: string[] = [];
    const unsubscribe = await other.registry.subscribe!((stage) => stages.push(stage));
    await store.registry.exclusive((writer) => writer.insertVersion(newVersion('test', 'a')));
    await expect.poll(() => stages, { timeout: 2_000 }).toEqual(['test']);
    // A rolled-back write notifies nobody.
    await store.registry
      .exclusive(async (writer) => {
        await writer.insertVersion(newVersion('dev', 'b'));
        throw new Error('no');
      })
      .catch(() => undefined);
    await store.registry.exclusive((writer) => writer.insertVersion(newVersion('prod', 'c')));
    await expect.poll(() => stages, { timeout: 2_000 }).toEqual(['test', 'prod']);
    await unsubscribe();
  });

  it.runIf(engine === 'PostgreSQL')('listens again after its connection is cut', async () => {
    const stages: string[] = [];
    const unsubscribe = await store.registry.subscribe!((stage) => stages.push(stage));
    const schema = (config as { postgresSchema: string }).postgresSchema;
    const terminated = await withClient(async (client) => {
      const result = await client.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [`gatehouse-listen:${schema}`.slice(0, 63)],
      );
      return result.rowCount;
    });
    expect(terminated).toBe(1);
    // Notifications sent while it reconnects are lost (followers poll too); later ones arrive.
    await expect
      .poll(
        async () => {
          await store.registry.exclusive((writer) =>
            writer.insertVersion(newVersion('dev', `h${Date.now()}`)),
          );
          return stages.length;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBeGreaterThan(0);
    await unsubscribe();
  });

  it.runIf(engine === 'SQLite')('has no change notifications: followers poll', () => {
    expect(store.registry.subscribe).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY_CACHE_TTL_MS, ApiKeys, hashKey } from '../../../src/auth/api-keys.js';
import { openStore, type Store, type StoreConfig } from '../../../src/store/index.js';
import { testSchema, withClient, type TestSchema } from '../../helpers/postgres.js';

const KEY = /^gh_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store configuration for one test, and what to clean up after it. */
interface StoreCase {
  config: StoreConfig;
  cleanup?: () => Promise<void>;
}

const stores: [string, () => StoreCase][] = [
  ['SQLite in memory', () => ({ config: { sqlite: ':memory:' } })],
  ['SQLite file', () => ({ config: { sqlite: join(dir, 'nested', 'dir', 'gatehouse.db') } })],
  [
    'PostgreSQL',
    () => {
      const schema = testSchema();
      return { config: schema.store, cleanup: schema.drop };
    },
  ],
];

describe.each(stores)('API keys in %s', (_name, storeCase) => {
  let store: Store;
  let cleanup: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const { config, cleanup: drop } = storeCase();
    cleanup = drop;
    store = await openStore(config);
  });
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('creates a key shown once, stored only as its hash', async () => {
    const keys = new ApiKeys(store);
    const { key, summary } = await keys.create({
      name: 'ci',
      scopes: ['read', 'write', 'read'],
      plan: 'gold',
    });
    expect(key).toMatch(KEY);
    expect(KEY.exec(key)?.[1]).toBe(summary.id);
    const stored = await store.apiKeys.findById(summary.id);
    expect(stored?.hash).toBe(hashKey(key));
    expect(JSON.stringify(stored)).not.toContain(key.slice(20));
    expect(summary).toMatchObject({
      name: 'ci',
      scopes: ['read', 'write'],
      plan: 'gold',
      revokedAt: undefined,
    });
    expect(summary).not.toHaveProperty('hash');
  });

  it('lists keys without the key or its hash', async () => {
    const keys = new ApiKeys(store);
    const first = await keys.create({ name: 'one' });
    await keys.create({ name: 'two', expiresAt: new Date(Date.now() + 60_000) });
    const list = await keys.list();
    expect(list.map((key) => key.name)).toEqual(['one', 'two']);
    expect(JSON.stringify(list)).not.toContain(hashKey(first.key));
    expect(JSON.stringify(list)).not.toContain(first.key);
  });

  it('verifies a key into a principal carrying its scopes and plan', async () => {
    const keys = new ApiKeys(store);
    const { key, summary } = await keys.create({ name: 'svc', scopes: ['a'], plan: 'free' });
    expect(await keys.verify(key)).toEqual({
      kind: 'authenticated',
      source: 'api-key',
      subject: 'svc',
      scopes: new Set(['a']),
      roles: new Set(),
      claims: {},
      plan: 'free',
      keyId: summary.id,
      credential: `api-key:${summary.id}`,
    });
  });

  it('refuses unknown, mangled, revoked and expired keys with the general reason', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const keys = new ApiKeys(store, () => now);
    const { key } = await keys.create({ name: 'k', expiresAt: new Date('2030-01-02T00:00:00Z') });
    await expect(keys.verify('gh_0000000000000000_' + 'A'.repeat(43))).rejects.toThrow('unknown API key');
    await expect(keys.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).rejects.toThrow(
      'unknown API key',
    );
    await expect(keys.verify('not a key')).rejects.toThrow('unknown API key');
    now = new Date('2030-01-02T00:00:00Z');
    await expect(keys.verify(key)).rejects.toThrow('API key expired');
    await keys.revoke('k');
    await expect(keys.verify(key)).rejects.toThrow('API key revoked');
  });

  it('revokes by id or by name, and lets a revoked name be reused', async () => {
    const keys = new ApiKeys(store);
    const first = await keys.create({ name: 'rotating' });
    await expect(keys.create({ name: 'rotating' })).rejects.toThrow(/already exists/);
    expect(await keys.revoke(first.summary.id)).toMatchObject({
      name: 'rotating',
      revokedAt: expect.any(Date),
    });
    expect(await keys.revoke(first.summary.id)).toBeUndefined();
    const second = await keys.create({ name: 'rotating' });
    expect(await keys.revoke('rotating')).toMatchObject({ id: second.summary.id });
    expect(await keys.revoke('nothing-here')).toBeUndefined();
  });

  it('notices a revocation made elsewhere within the cache lifetime', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const gateway = new ApiKeys(store, () => now);
    const cli = new ApiKeys(store, () => now);
    const { key } = await cli.create({ name: 'shared' });
    await gateway.verify(key);
    await cli.revoke('shared');
    // Still cached by the gateway for a moment…
    await expect(gateway.verify(key)).resolves.toMatchObject({ subject: 'shared' });
    now = new Date(now.getTime() + API_KEY_CACHE_TTL_MS);
    // …and refused once the entry expires.
    await expect(gateway.verify(key)).rejects.toThrow('API key revoked');
  });

  it('checks names, scopes, plans and expiry', async () => {
    const keys = new ApiKeys(store);
    await expect(keys.create({ name: '' })).rejects.toThrow(/invalid key name/);
    await expect(keys.create({ name: 'has space' })).rejects.toThrow(/invalid key name/);
    await expect(keys.create({ name: '0123456789abcdef' })).rejects.toThrow(/looks like a key id/);
    await expect(keys.create({ name: 'x', scopes: ['two words'] })).rejects.toThrow(/invalid scope/);
    await expect(keys.create({ name: 'x', plan: 'no plan' })).rejects.toThrow(/invalid plan/);
    await expect(keys.create({ name: 'x', expiresAt: new Date(Date.now() - 1) })).rejects.toThrow(/future/);
  });
});

describe('the SQLite store', () => {
  it('keeps keys across reopening, migrating only once', async () => {
    const path = join(dir, 'gatehouse.db');
    const first = await openStore({ sqlite: path });
    const { key } = await new ApiKeys(first).create({ name: 'durable' });
    await first.close();
    const second = await openStore({ sqlite: path });
    await expect(new ApiKeys(second).verify(key)).resolves.toMatchObject({ subject: 'durable' });
    await second.close();
  });

  it('says which file it cannot open', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    await expect(openStore({ sqlite: join(dir, 'a-file', 'gatehouse.db') })).rejects.toThrow(
      /Cannot open the store .*a-file/,
    );
  });
});

describe('the PostgreSQL store', () => {
  let schema: TestSchema;
  beforeEach(() => {
    schema = testSchema();
  });
  afterEach(() => schema.drop());

  it('migrates a fresh schema once when replicas open it together, and keeps its tables there', async () => {
    const [first, second] = await Promise.all([openStore(schema.store), openStore(schema.store)]);
    try {
      const { key } = await new ApiKeys(first).create({ name: 'shared' });
      await expect(new ApiKeys(second).verify(key)).resolves.toMatchObject({ subject: 'shared' });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    const tables = await withClient(async (client) => {
      const result = await client.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1 order by table_name',
        [schema.name],
      );
      return result.rows.map((row) => row.table_name);
    });
    expect(tables).toEqual([
      'api_keys',
      'kysely_migration',
      'kysely_migration_lock',
      'registry_operation_coordinates',
      'registry_safelist',
      'registry_usage',
      'registry_versions',
    ]);
    const reopened = await openStore(schema.store);
    await expect(reopened.apiKeys.list()).resolves.toHaveLength(1);
    await reopened.close();
  });

  it('says which server it cannot reach, without the password', async () => {
    const failure = openStore({ postgres: 'postgres://gatehouse:s3cret@127.0.0.1:1/test' });
    await expect(failure).rejects.toThrow(
      /^Cannot connect to the store postgres:\/\/gatehouse:\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    );
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});

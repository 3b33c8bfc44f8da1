import { afterEach, beforeEach, expect, it } from 'vitest';
import { ChangeWaiters } from '../../../src/registry/change-waiters.js';
import { RegistryError } from '../../../src/registry/types.js';
import { openStore, type Store } from '../../../src/store/index.js';
import type { NewVersion } from '../../../src/store/registry.js';

let store: Store;
let waiters: ChangeWaiters;
beforeEach(async () => {
  store = await openStore({ sqlite: ':memory:' });
  waiters = new ChangeWaiters({
    headHash: (stage) => store.registry.headHash(stage),
    head: (stage) => store.registry.head(stage),
    hashOf: (version) => version.hash,
    maxWaiters: 2,
    pollMs: 100,
  });
});
afterEach(async () => {
  await waiters.close();
  await store.close();
});

function version(hash: string): NewVersion {
  return {
    stage: 'dev',
    action: 'publish',
    summary: 'publish x',
    subgraphs: [],
    supergraphSdl: '',
    hash,
    publishedBy: 'ci',
    createdAt: new Date(),
    checkReport: null,
  };
}

it('wakes on a commit it was not told about, by polling the head hash', async () => {
  await store.registry.exclusive((writer) => writer.insertVersion(version('a')));
  const waiting = waiters.wait('dev', 'a', 5_000);
  await store.registry.exclusive((writer) => writer.insertVersion(version('b')));
  const started = Date.now();
  expect((await waiting)?.hash).toBe('b');
  expect(Date.now() - started).toBeLessThan(1_000);
});

it('refuses waiters beyond its bound, and frees their places when they finish', async () => {
  const first = waiters.wait('dev', undefined, 5_000);
  const second = waiters.wait('dev', undefined, 50);
  expect(() => waiters.wait('dev', undefined, 5_000)).toThrow(RegistryError);
  expect(await second).toBeUndefined();
  const third = waiters.wait('dev', undefined, 10);
  expect(await third).toBeUndefined();
  await waiters.close();
  expect(await first).toBeUndefined();
});

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, type EmbeddedRegistry } from '../../src/registry/service.js';
import { RegistryError, type ChangeOutcome, type PublishRequest } from '../../src/registry/types.js';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.js';
import type { UsageRecord } from '../../src/store/registry.js';
import { testSchema } from '../helpers/postgres.js';
import { exampleSdl, rootFieldSdl, usersSdl } from '../helpers/registry-sdl.js';

interface StoreCase {
  config: StoreConfig;
  cleanup?: () => Promise<void>;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const engines: [string, () => StoreCase][] = [
  ['SQLite', () => ({ config: { sqlite: join(dir, 'registry.db') } })],
  [
    'PostgreSQL',
    () => {
      const schema = testSchema('gatehouse_registry');
      return { config: schema.store, cleanup: schema.drop };
    },
  ],
];

const USERS_URL = 'http://127.0.0.1:4001/graphql';

function users(fields: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  return { stage: 'dev', name: 'users', url: USERS_URL, sdl: usersSdl(fields), ...extra };
}

function seen(coordinates: string[], extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    stage: 'dev',
    operationHash: 'hash-me',
    operationName: 'Me',
    clientName: 'web',
    clientVersion: '2.1.0',
    coordinates,
    count: 7,
    seenAt: new Date(),
    ...extra,
  };
}

function created(outcome: ChangeOutcome) {
  if (outcome.status !== 'created') throw new Error(`expected created, got ${JSON.stringify(outcome)}`);
  return outcome;
}

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe.each(engines)('registry service on %s', (engine, storeCase) => {
  let config: StoreConfig;
  let registry: EmbeddedRegistry;
  let cleanup: (() => Promise<void>) | undefined;
  const closing: { close(): Promise<void> }[] = [];

  const open = async (): Promise<{ store: Store; registry: EmbeddedRegistry }> => {
    const opened = await openStore(config);
    const service = createRegistry({
      repository: opened.registry,
      stages: ['dev', 'test', 'prod'],
      usageWindowDays: 30,
      maxSchemaBytes: 4 * 1024 * 1024,
    });
    closing.push(service, opened);
    return { store: opened, registry: service };
  };

  beforeEach(async () => {
    const chosen = storeCase();
    config = chosen.config;
    cleanup = chosen.cleanup;
    ({ registry } = await open());
  });
  afterEach(async () => {
    for (const resource of closing.splice(0)) await resource.close();
    await cleanup?.();
  });

  const versionCount = async (stage = 'dev') => (await registry.history(stage, 1000)).length;

  it('publishes a first version with who, when, URLs, owners, SDL and hash', async () => {
    const outcome = created(await registry.publish(users('name: String!', { owner: 'team-users' }), 'alice'));
    expect(outcome.report).toMatchObject({ ok: true, stage: 'dev', subject: 'publish users', changes: [] });
    expect(outcome.version).toMatchObject({ id: 1, stage: 'dev', action: 'publish', publishedBy: 'alice' });
    const current = await registry.current('dev');
    expect(current?.hash).toBe(
      createHash('sha256')
        .update(current?.supergraphSdl ?? '')
        .digest('hex'),
    );
    expect(current?.supergraphSdl).toContain('join__Graph');
    expect(current?.subgraphs).toEqual([
      expect.objectContaining({
        name: 'users',
        url: USERS_URL,
        owner: 'team-users',
        updatedBy: 'alice',
        type: 'graphql',
      }),
    ]);
    expect(current?.checkReport).toEqual(outcome.report);
    expect(await registry.subgraphs('dev')).toHaveLength(1);
    expect(await registry.current('test')).toBeUndefined();
  });

  it('stores nothing when the same subgraph is published again', async () => {
    const first = created(await registry.publish(users('name: String!'), 'alice'));
    const again = await registry.publish(users('name: String!', { owner: 'someone-else' }), 'bob');
    expect(again.status).toBe('unchanged');
    expect(again.status === 'unchanged' && again.version.id).toBe(first.version.id);
    expect(await versionCount()).toBe(1);
  });

  it('rejects a subgraph that does not compose, naming the subgraph and file:line:column', async () => {
    await registry.publish(users('name: String!'), 'alice');
    const outcome = await registry.publish(
      {
        stage: 'dev',
        name: 'profiles',
        url: 'http://127.0.0.1:4009/graphql',
        origin: 'schemas/profiles.graphql',
        sdl: usersSdl('name: Int!').replace('me: User', 'profile: User'),
      },
      'alice',
    );
    expect(outcome.status).toBe('rejected');
    const problem = outcome.report.compositionErrors.find((error) => error.code === 'FIELD_TYPE_MISMATCH');
    expect(problem).toMatchObject({ subgraph: 'profiles', message: expect.stringContaining('User.name') });
    expect(problem?.locations).toContainEqual(expect.stringMatching(/^schemas\/profiles\.graphql:\d+:\d+$/));
    expect(problem?.locations).toContainEqual(expect.stringMatching(/^users:\d+:\d+$/));
    expect(outcome.report.ok).toBe(false);
    expect(await versionCount()).toBe(1);
  });

  it('rejects an SDL that does not parse, with where, as an outcome and not an exception', async () => {
    const outcome = await registry.publish(
      {
        stage: 'dev',
        name: 'broken',
        url: USERS_URL,
        sdl: 'type Query {\n  me: \n}',
        origin: 'broken.graphql',
      },
      'alice',
    );
    expect(outcome.status).toBe('rejected');
    expect(outcome.report.compositionErrors).toEqual([
      expect.objectContaining({ subgraph: 'broken', locations: ['broken.graphql:3:1'] }),
    ]);
    expect(await versionCount()).toBe(0);
  });

  it('rejects a breaking change to a field operations use, naming the operation and client', async () => {
    await registry.publish(users('name: String!\nemail: String'), 'alice');
    await registry.recordUsage([seen(['Query.me', 'User.name'])]);
    const outcome = await registry.publish(users('email: String'), 'alice');
    expect(outcome.status).toBe('rejected');
    expect(outcome.report).toMatchObject({ ok: false, blockingChanges: 1, safeBreakingChanges: 0 });
    const change = outcome.report.changes.find((c) => c.path === 'User.name');
    expect(change).toMatchObject({ type: 'FIELD_REMOVED', criticality: 'BREAKING' });
    expect(change?.affected).toEqual([
      {
        operationName: 'Me',
        operationHash: 'hash-me',
        clients: [{ name: 'web', version: '2.1.0' }],
        count: 7,
        lastSeen: expect.any(String),
      },
    ]);
    expect(await versionCount()).toBe(1);
    // check() says the same and stores nothing.
    const report = await registry.check(users('email: String'));
    expect(report).toMatchObject({ ok: false, blockingChanges: 1 });
    expect(await versionCount()).toBe(1);
  });

  it('allows a breaking change that touches nothing used, and reports it as safe', async () => {
    await registry.publish(users('name: String!\nemail: String'), 'alice');
    await registry.recordUsage([seen(['Query.me', 'User.name'])]);
    const outcome = created(await registry.publish(users('name: String!'), 'alice'));
    expect(outcome.report).toMatchObject({ ok: true, blockingChanges: 0, safeBreakingChanges: 1 });
    expect(outcome.report.changes).toEqual([
      expect.objectContaining({
        type: 'FIELD_REMOVED',
        path: 'User.email',
        criticality: 'BREAKING',
        affected: [],
      }),
    ]);
  });

  it('blocks a new required argument on a field in use, and lets --allow-breaking through', async () => {
    await registry.publish(users('name: String!'), 'alice');
    await registry.recordUsage([
      seen(['Query.user', 'Query.user.id', 'User.name'], {
        operationHash: 'hash-user',
        operationName: 'User',
      }),
      seen(['Query.user'], {
        operationHash: 'hash-user',
        operationName: 'User',
        clientName: 'ios',
        clientVersion: '9',
      }),
    ]);
    const breaking = users('name: String!', {
      sdl: usersSdl('name: String!', 'user(id: ID!, tenant: ID!): User'),
    });
    const refused = await registry.publish(breaking, 'alice');
    expect(refused.status).toBe('rejected');
    const change = refused.report.changes.find((c) => c.path === 'Query.user.tenant');
    expect(change?.affected?.[0]).toMatchObject({
      operationName: 'User',
      clients: [
        { name: 'ios', version: '9' },
        { name: 'web', version: '2.1.0' },
      ],
      count: 14,
    });
    const forced = created(await registry.publish({ ...breaking, allowBreaking: true }, 'alice'));
    expect(forced.report).toMatchObject({ ok: true, allowBreaking: true, blockingChanges: 1 });
  });

  it('only weighs usage of its own stage and window', async () => {
    await registry.publish(users('name: String!\nemail: String'), 'alice');
    await registry.recordUsage([
      seen(['User.email'], { stage: 'prod' }),
      seen(['User.email'], { seenAt: new Date(Date.now() - 31 * 86_400_000) }),
    ]);
    const outcome = created(await registry.publish(users('name: String!'), 'alice'));
    expect(outcome.report.safeBreakingChanges).toBe(1);
  });

  it('composes the example graph, connector subgraph included, and removes a subgraph with checks', async () => {
    for (const name of ['accounts', 'products', 'reviews'] as const) {
      created(
        await registry.publish(
          { stage: 'dev', name, url: `http://${name}.test/graphql`, sdl: exampleSdl[name] },
          'ci',
        ),
      );
    }
    created(
      await registry.publish(
        {
          stage: 'dev',
          name: 'inventory',
          type: 'rest',
          url: 'http://inventory.connector.invalid/',
          sdl: exampleSdl.inventory,
        },
        'ci',
      ),
    );
    expect((await registry.current('dev'))?.supergraphSdl).toContain('specs.apollo.dev/connect');
    await registry.recordUsage([seen(['Query.me', 'User.reviews', 'Review.body'])]);
    const refused = await registry.remove({ stage: 'dev', name: 'reviews' }, 'ci');
    expect(refused.status).toBe('rejected');
    expect(refused.report.changes.filter((c) => c.affected?.length)).toContainEqual(
      expect.objectContaining({ path: 'User.reviews' }),
    );
    const removed = created(
      await registry.remove({ stage: 'dev', name: 'reviews', allowBreaking: true }, 'ci'),
    );
    expect(removed.version).toMatchObject({ action: 'remove', summary: 'remove reviews' });
    expect((await registry.subgraphs('dev')).map((s) => s.name)).toEqual([
      'accounts',
      'products',
      'inventory',
    ]);
    const unknown = await rejection(registry.remove({ stage: 'dev', name: 'reviews' }, 'ci'));
    expect(unknown.code).toBe('UNKNOWN_SUBGRAPH');
  });

  it('refuses to remove the last subgraph with a clear error', async () => {
    await registry.publish(users('name: String!'), 'alice');
    const error = await rejection(registry.remove({ stage: 'dev', name: 'users' }, 'alice'));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('only subgraph') });
    expect(await versionCount()).toBe(1);
  });

  it('rolls back to an earlier version of the stage, reporting the changes without blocking on them', async () => {
    const v1 = created(await registry.publish(users('name: String!'), 'alice'));
    created(await registry.publish(users('name: String!\nemail: String'), 'alice'));
    await registry.recordUsage([seen(['User.email'])]);
    const back = created(await registry.rollback('dev', v1.version.id, 'bob'));
    expect(back.version).toMatchObject({
      action: 'rollback',
      summary: `rollback to ${v1.version.id}`,
      publishedBy: 'bob',
    });
    expect(back.version.hash).toBe(v1.version.hash);
    expect(back.report.changes).toContainEqual(
      expect.objectContaining({ path: 'User.email', type: 'FIELD_REMOVED' }),
    );
    expect(back.report.blockingChanges).toBe(1);
    expect((await registry.current('dev'))?.supergraphSdl).toBe(
      (await registry.version(v1.version.id))?.supergraphSdl,
    );
    expect((await registry.rollback('dev', v1.version.id, 'bob')).status).toBe('unchanged');
    expect((await rejection(registry.rollback('dev', 999, 'bob'))).code).toBe('UNKNOWN_VERSION');
    expect((await rejection(registry.rollback('test', v1.version.id, 'bob'))).code).toBe('INVALID_INPUT');
  });

  it('promotes the exact current version of one stage to another', async () => {
    created(await registry.publish(users('name: String!'), 'alice'));
    const source = await registry.current('dev');
    const promoted = created(await registry.promote('dev', 'test', 'carol'));
    expect(promoted.version).toMatchObject({
      stage: 'test',
      action: 'promote',
      publishedBy: 'carol',
      hash: source?.hash,
    });
    const target = await registry.current('test');
    expect(target?.supergraphSdl).toBe(source?.supergraphSdl);
    expect(target?.subgraphs).toEqual(source?.subgraphs);
    expect((await registry.promote('dev', 'test', 'carol')).status).toBe('unchanged');
    expect((await rejection(registry.promote('prod', 'test', 'carol'))).code).toBe('EMPTY_STAGE');
    expect((await rejection(registry.promote('dev', 'dev', 'carol'))).code).toBe('INVALID_INPUT');
  });

  it('lists history newest first and diffs two versions as text', async () => {
    const v1 = created(await registry.publish(users('name: String!\nemail: String'), 'alice'));
    const v2 = created(await registry.publish(users('name: String!\nage: Int'), 'alice'));
    created(
      await registry.publish(
        { stage: 'dev', name: 'extra', url: 'http://extra.test/', sdl: rootFieldSdl('extra') },
        'bob',
      ),
    );
    const history = await registry.history('dev');
    expect(history.map((version) => version.summary)).toEqual([
      'publish extra',
      'publish users',
      'publish users',
    ]);
    expect(history[0]).toMatchObject({
      publishedBy: 'bob',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(history[0]).not.toHaveProperty('supergraphSdl');
    expect(await registry.history('dev', 1)).toHaveLength(1);
    const diff = await registry.diff(v1.version.id, history[0]!.id);
    expect(diff.subgraphs).toEqual([
      { name: 'extra', change: 'added', url: { to: 'http://extra.test/' } },
      { name: 'users', change: 'changed' },
    ]);
    expect(diff.changes.map((change) => `${change.criticality} ${change.path}`)).toEqual([
      'BREAKING User.email',
      'NON_BREAKING Query.extra',
      'NON_BREAKING User.age',
    ]);
    expect(diff.text).toContain(`Version ${v1.version.id} → version ${history[0]!.id}`);
    expect(diff.text).toContain('+ extra (http://extra.test/)');
    expect(diff.text).toContain('~ users: schema changed');
    expect(diff.text).toMatch(/BREAKING +User\.email: Field 'email' was removed/);
    expect((await registry.diff(v2.version.id, v2.version.id)).text).toContain('API schema: no change');
    expect((await rejection(registry.diff(1, 999))).code).toBe('UNKNOWN_VERSION');
  });

  it('refuses unknown stages, bad input and a 10 MB SDL without storing anything', async () => {
    expect(
      (await rejection(registry.publish(users('name: String!', { stage: 'staging' }), 'alice'))).code,
    ).toBe('UNKNOWN_STAGE');
    expect((await rejection(registry.history('staging'))).code).toBe('UNKNOWN_STAGE');
    expect((await rejection(registry.waitForChange('staging', undefined, 10))).code).toBe('UNKNOWN_STAGE');
    const huge = `type Query { a: Int }\n${'# padding\n'.repeat(1_048_576)}`;
    const started = Date.now();
    const tooLarge = await rejection(registry.publish(users('', { sdl: huge }), 'alice'));
    expect(tooLarge).toMatchObject({
      code: 'SCHEMA_TOO_LARGE',
      message: expect.stringContaining('4194304 bytes'),
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await rejection(registry.check(users('', { sdl: huge })))).code).toBe('SCHEMA_TOO_LARGE');
    const badName = await rejection(registry.publish(users('name: String', { name: 'no spaces' }), 'alice'));
    expect(badName).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('name:') });
    expect((await rejection(registry.publish(users('name: String', { url: 'ftp://x' }), 'alice'))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await rejection(registry.recordUsage([seen(['Query.me'], { stage: 'staging' })]))).code).toBe(
      'UNKNOWN_STAGE',
    );
    expect((await rejection(registry.recordUsage([seen(['Query.me'], { count: -1 })]))).code).toBe(
      'INVALID_INPUT',
    );
    for (const stage of ['dev', 'test', 'prod']) expect(await versionCount(stage)).toBe(0);
  });

  it('serialises 20 concurrent publishes of different subgraphs and loses none', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        registry.publish(
          {
            stage: 'dev',
            name: `field${index}`,
            url: `http://field${index}.test/`,
            sdl: rootFieldSdl(`field${index}`),
          },
          `ci-${index}`,
        ),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(20).fill('created'));
    const ids = outcomes.map((outcome) => (outcome.status === 'created' ? outcome.version.id : 0));
    expect(new Set(ids).size).toBe(20);
    expect(await versionCount()).toBe(20);
    expect(await registry.subgraphs('dev')).toHaveLength(20);
  });

  it('answers a long-poll at once when stale, after the wait when not, and as soon as a publish lands', async () => {
    expect(await registry.waitForChange('dev', undefined, 50)).toBeUndefined();
    const first = created(await registry.publish(users('name: String!'), 'alice'));
    expect((await registry.waitForChange('dev', undefined, 5_000))?.hash).toBe(first.version.hash);
    expect((await registry.waitForChange('dev', 'old-hash', 5_000))?.id).toBe(first.version.id);
    const started = Date.now();
    expect(await registry.waitForChange('dev', first.version.hash, 100)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const waiting = registry.waitForChange('dev', first.version.hash, 10_000);
    const published = created(await registry.publish(users('name: String!\nemail: String'), 'alice'));
    expect((await waiting)?.id).toBe(published.version.id);
    const aborted = new AbortController();
    const cancelled = registry.waitForChange('dev', published.version.hash, 10_000, aborted.signal);
    aborted.abort();
    expect(await cancelled).toBeUndefined();
  });

  it('wakes a long-poll within a second on a publish through another store', async () => {
    const other = await open();
    const first = created(await registry.publish(users('name: String!'), 'alice'));
    const waiting = registry.waitForChange('dev', first.version.hash, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const published = created(await other.registry.publish(users('name: String!\nemail: String'), 'bob'));
    const started = Date.now();
    expect((await waiting)?.id).toBe(published.version.id);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.runIf(engine === 'PostgreSQL')(
    'serialises publishes through two registries on one database',
    async () => {
      const other = await open();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 === 0 ? registry : other.registry).publish(
            {
              stage: 'dev',
              name: `field${index}`,
              url: `http://field${index}.test/`,
              sdl: rootFieldSdl(`field${index}`),
            },
            'ci',
          ),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(20).fill('created'));
      expect(await versionCount()).toBe(20);
      expect(await other.registry.subgraphs('dev')).toHaveLength(20);
    },
  );

  it('seeds an empty stage once', async () => {
    const seeded = created(
      await registry.seed(
        'dev',
        (['accounts', 'products', 'reviews'] as const).map((name) => ({
          name,
          url: `http://${name}.test/graphql`,
          sdl: exampleSdl[name],
        })),
        'gatehouse',
      ),
    );
    expect(seeded.version).toMatchObject({ action: 'seed', summary: 'seed accounts, products, reviews' });
    expect((await registry.seed('dev', [], 'gatehouse')).status).toBe('unchanged');
  });
});

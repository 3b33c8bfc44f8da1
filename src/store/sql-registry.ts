import { sql, type Kysely, type Selectable } from 'kysely';
import type { RegistryVersionsTable, StoreDatabase } from './migrations.js';
import type {
  CoordinateUsage,
  NewVersion,
  RegistryRepository,
  RegistrySubgraph,
  RegistryWriter,
  StoredVersion,
  UsageRecord,
  VersionAction,
} from './registry.js';
import {
  SAFELIST_CHANGE_PREFIX,
  type SafelistDocument,
  type SafelistPush,
  type SafelistPushResult,
} from './safelist.js';
import { pushSafelist, safelistOf, safelistRevision } from './sql-safelist.js';
import { assertUsageWithinLimits } from './usage-limits.js';

/**
 * How an engine makes one writer at a time across processes: SQLite takes the file's write lock
 * (`BEGIN IMMEDIATE`), PostgreSQL an advisory lock inside a transaction (registry-locks.ts).
 */
export interface RegistryWriteLock {
  /** Runs `work` in a transaction that holds the lock; a failure rolls it back. */
  run<T>(work: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** Tells other processes the stage has a new version; called inside the transaction, delivered at commit. */
  announce?(db: Kysely<StoreDatabase>, stage: string): Promise<void>;
}

export interface SqlRegistryOptions {
  db: Kysely<StoreDatabase>;
  lock: RegistryWriteLock;
  /** PostgreSQL's LISTEN side of `announce`; SQLite has none (followers poll). */
  subscribe?: (listener: (stage: string) => void) => Promise<() => Promise<void>>;
}

/** Rows per multi-row insert or `in (…)` list: well under either engine's parameter limit. */
const CHUNK = 200;

/**
 * The registry's versions and usage over kysely: the same queries on SQLite and PostgreSQL. Only
 * the write lock and change notifications differ by engine, and come in as options.
 */
export class SqlRegistry implements RegistryRepository {
  private readonly db: Kysely<StoreDatabase>;
  private readonly lock: RegistryWriteLock;
  /** The in-process queue in front of the engine's lock, so waiting writers hold no connection. */
  private queue: Promise<unknown> = Promise.resolve();
  readonly subscribe?: (listener: (stage: string) => void) => Promise<() => Promise<void>>;

  constructor(options: SqlRegistryOptions) {
    this.db = options.db;
    this.lock = options.lock;
    if (options.subscribe !== undefined) this.subscribe = options.subscribe;
  }

  exclusive<T>(work: (writer: RegistryWriter) => Promise<T>): Promise<T> {
    return this.locked((db) => this.withWriter(db, work));
  }

  /** Runs `work` under the write lock, after this process's writers queued before it. */
  private locked<T>(work: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.lock.run(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  pushSafelist(push: SafelistPush): Promise<SafelistPushResult> {
    return this.locked(async (db) => {
      const result = await pushSafelist(db, push);
      if (result.added.length > 0) await this.lock.announce?.(db, `${SAFELIST_CHANGE_PREFIX}${push.stage}`);
      return result;
    });
  }

  safelist(stage: string): Promise<SafelistDocument[]> {
    return safelistOf(this.db, stage);
  }

  safelistRevision(stage: string): Promise<number> {
    return safelistRevision(this.db, stage);
  }

  private async withWriter<T>(
    db: Kysely<StoreDatabase>,
    work: (writer: RegistryWriter) => Promise<T>,
  ): Promise<T> {
    let open = true;
    const guard = () => {
      if (!open) throw new Error('a registry writer was used after its exclusive() call ended');
    };
    const writer: RegistryWriter = {
      head: (stage) => (guard(), headOf(db, stage)),
      usageOf: (stage, coordinates, since) => (guard(), usageOf(db, stage, coordinates, since)),
      insertVersion: async (version) => {
        guard();
        const stored = await insertVersion(db, version);
        await this.lock.announce?.(db, version.stage);
        return stored;
      },
    };
    try {
      return await work(writer);
    } finally {
      open = false;
    }
  }

  head(stage: string): Promise<StoredVersion | undefined> {
    return headOf(this.db, stage);
  }

  async headHash(stage: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('registry_versions')
      .select('hash')
      .where('stage', '=', stage)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.hash;
  }

  async version(id: number): Promise<StoredVersion | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = await this.db
      .selectFrom('registry_versions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async history(stage: string, limit: number): Promise<StoredVersion[]> {
    const rows = await this.db
      .selectFrom('registry_versions')
      .selectAll()
      .where('stage', '=', stage)
      .orderBy('id', 'desc')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.map(toVersion);
  }

  usageOf(stage: string, coordinates: readonly string[], since: Date): Promise<CoordinateUsage[]> {
    return usageOf(this.db, stage, coordinates, since);
  }

  async recordUsage(records: readonly UsageRecord[]): Promise<void> {
    assertUsageWithinLimits(records);
    if (records.length === 0) return;
    const { rows, coordinates } = aggregate(records);
    await this.db.transaction().execute(async (trx) => {
      // Sorted keys make concurrent writers lock rows in the same order, so they never deadlock.
      for (let start = 0; start < rows.length; start += CHUNK) {
        await trx
          .insertInto('registry_usage')
          .values(rows.slice(start, start + CHUNK))
          .onConflict((conflict) =>
            conflict
              .columns(['stage', 'operation_hash', 'client_name', 'client_version', 'day'])
              .doUpdateSet({
                count: sql`registry_usage.count + excluded.count`,
                operation_name: sql`excluded.operation_name`,
                last_seen: sql`case when excluded.last_seen > registry_usage.last_seen then excluded.last_seen else registry_usage.last_seen end`,
              }),
          )
          .execute();
      }
      for (let start = 0; start < coordinates.length; start += CHUNK) {
        await trx
          .insertInto('registry_operation_coordinates')
          .values(coordinates.slice(start, start + CHUNK))
          .onConflict((conflict) => conflict.columns(['operation_hash', 'coordinate']).doNothing())
          .execute();
      }
    });
  }
}

async function headOf(db: Kysely<StoreDatabase>, stage: string): Promise<StoredVersion | undefined> {
  const row = await db
    .selectFrom('registry_versions')
    .selectAll()
    .where('stage', '=', stage)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toVersion(row);
}

/** Called under the write lock only, so max + 1 is the next id on every engine. */
async function insertVersion(db: Kysely<StoreDatabase>, version: NewVersion): Promise<StoredVersion> {
  const { last } = await db
    .selectFrom('registry_versions')
    .select((eb) => eb.fn.max('id').as('last'))
    .executeTakeFirstOrThrow();
  const id = Number(last ?? 0) + 1;
  await db
    .insertInto('registry_versions')
    .values({
      id,
      stage: version.stage,
      action: version.action,
      summary: version.summary,
      subgraphs: JSON.stringify(version.subgraphs),
      supergraph_sdl: version.supergraphSdl,
      hash: version.hash,
      published_by: version.publishedBy,
      created_at: version.createdAt.toISOString(),
      check_report: JSON.stringify(version.checkReport ?? null),
    })
    .execute();
  return { ...version, id };
}

async function usageOf(
  db: Kysely<StoreDatabase>,
  stage: string,
  coordinates: readonly string[],
  since: Date,
): Promise<CoordinateUsage[]> {
  const exact = [...new Set(coordinates.filter((coordinate) => !coordinate.endsWith('.*')))];
  const prefixes = [...new Set(coordinates.filter((c) => c.endsWith('.*')).map((c) => c.slice(0, -1)))];
  const groups: { exact: string[]; prefixes: string[] }[] = [];
  for (let start = 0; start < exact.length; start += CHUNK) {
    groups.push({ exact: exact.slice(start, start + CHUNK), prefixes: [] });
  }
  for (let start = 0; start < prefixes.length; start += CHUNK) {
    groups.push({ exact: [], prefixes: prefixes.slice(start, start + CHUNK) });
  }
  const found = new Map<string, CoordinateUsage>();
  for (const group of groups) {
    const rows = await db
      .selectFrom('registry_operation_coordinates as c')
      .innerJoin('registry_usage as u', 'u.operation_hash', 'c.operation_hash')
      .select((eb) => [
        'c.coordinate',
        'u.operation_hash',
        'u.client_name',
        'u.client_version',
        eb.fn.max('u.operation_name').as('operation_name'),
        eb.fn.sum<number | string>('u.count').as('count'),
        eb.fn.max('u.last_seen').as('last_seen'),
      ])
      .where('u.stage', '=', stage)
      .where('u.day', '>=', since.toISOString().slice(0, 10))
      .where('u.last_seen', '>=', since.toISOString())
      .where((eb) =>
        eb.or([
          ...(group.exact.length > 0 ? [eb('c.coordinate', 'in', group.exact)] : []),
          // substr, not LIKE: `_` in a GraphQL name would be a LIKE wildcard.
          ...group.prefixes.map((prefix) =>
            eb(sql<string>`substr(${sql.ref('c.coordinate')}, 1, ${prefix.length})`, '=', prefix),
          ),
        ]),
      )
      .groupBy(['c.coordinate', 'u.operation_hash', 'u.client_name', 'u.client_version'])
      .execute();
    for (const row of rows) {
      const usage: CoordinateUsage = {
        coordinate: row.coordinate,
        operationHash: row.operation_hash,
        operationName: row.operation_name,
        clientName: row.client_name,
        clientVersion: row.client_version,
        count: Number(row.count),
        lastSeen: new Date(row.last_seen),
      };
      found.set(
        JSON.stringify([usage.coordinate, usage.operationHash, usage.clientName, usage.clientVersion]),
        usage,
      );
    }
  }
  return [...found.values()].sort(
    (a, b) =>
      a.coordinate.localeCompare(b.coordinate) ||
      b.count - a.count ||
      a.operationHash.localeCompare(b.operationHash),
  );
}

type UsageRow = {
  stage: string;
  operation_hash: string;
  client_name: string;
  client_version: string;
  day: string;
  operation_name: string;
  count: number;
  last_seen: string;
};

/** One row per (stage, operation, client, day), summed: one statement may not update a row twice. */
function aggregate(records: readonly UsageRecord[]): {
  rows: UsageRow[];
  coordinates: { operation_hash: string; coordinate: string }[];
} {
  const rows = new Map<string, UsageRow>();
  const coordinates = new Map<string, { operation_hash: string; coordinate: string }>();
  for (const record of records) {
    const seen = record.seenAt.toISOString();
    const day = seen.slice(0, 10);
    const key = JSON.stringify([
      record.stage,
      record.operationHash,
      record.clientName,
      record.clientVersion,
      day,
    ]);
    const row = rows.get(key);
    if (row === undefined) {
      rows.set(key, {
        stage: record.stage,
        operation_hash: record.operationHash,
        client_name: record.clientName,
        client_version: record.clientVersion,
        day,
        operation_name: record.operationName,
        count: record.count,
        last_seen: seen,
      });
    } else {
      row.count += record.count;
      if (seen > row.last_seen) row.last_seen = seen;
      row.operation_name = record.operationName;
    }
    for (const coordinate of record.coordinates) {
      coordinates.set(JSON.stringify([record.operationHash, coordinate]), {
        operation_hash: record.operationHash,
        coordinate,
      });
    }
  }
  const byKey = <T>(entries: Map<string, T>) =>
    [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
  return { rows: byKey(rows), coordinates: byKey(coordinates) };
}

function toVersion(row: Selectable<RegistryVersionsTable>): StoredVersion {
  return {
    id: Number(row.id),
    stage: row.stage,
    action: row.action as VersionAction,
    summary: row.summary,
    subgraphs: JSON.parse(row.subgraphs) as RegistrySubgraph[],
    supergraphSdl: row.supergraph_sdl,
    hash: row.hash,
    publishedBy: row.published_by,
    createdAt: new Date(row.created_at),
    checkReport: JSON.parse(row.check_report) as unknown,
  };
}

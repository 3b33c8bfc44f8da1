import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { UserFacingError } from '../errors.js';
import { migrationProvider, type StoreDatabase } from './migrations.js';
import { sqliteWriteLock } from './registry-locks.js';
import { SqlApiKeys } from './sql-api-keys.js';
import { SqlRegistry } from './sql-registry.js';
import type { Store } from './store.js';

/** How long a statement waits for another process's write to finish. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The embedded store: one SQLite file (or `:memory:`), shared by the gateway's workers and the
 * `gatehouse keys` commands on one host. WAL lets readers and the occasional writer work at the
 * same time.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  let database: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    throw new UserFacingError(`Cannot open the store ${path}: ${(error as Error).message}`);
  }
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw new UserFacingError(`Cannot migrate the store ${path}: ${(error as Error).message ?? error}`);
  }
  return {
    kind: 'sqlite',
    apiKeys: new SqlApiKeys(db, isUniqueViolation),
    registry: new SqlRegistry({ db, lock: sqliteWriteLock(db, BUSY_TIMEOUT_MS) }),
    close: () => db.destroy(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('SQLITE_CONSTRAINT')
  );
}

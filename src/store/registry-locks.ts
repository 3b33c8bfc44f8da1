import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './migrations.js';
import type { RegistryWriteLock } from './sql-registry.js';

/** The channel PostgreSQL registries NOTIFY on; the payload is `schema:stage`. */
export const REGISTRY_CHANNEL = 'gatehouse_registry';

/** How long a SQLite writer waits for another process's write lock before failing. */
const SQLITE_LOCK_WAIT_MS = 30_000;
/** One attempt's busy wait: short, because better-sqlite3 blocks the event loop while it waits. */
const SQLITE_ATTEMPT_MS = 20;

/**
 * SQLite: `BEGIN IMMEDIATE` takes the file's write lock before the first read, so two processes
 * on one file serialise. A deferred `BEGIN` would let both read the same head and the second fail
 * when it writes. While another process holds the lock this one retries with short, asynchronous
 * waits, giving the connection back in between: better-sqlite3's own busy wait would block the
 * event loop (and every request a gateway worker serves) for as long as it waits.
 */
export function sqliteWriteLock(db: Kysely<StoreDatabase>, busyTimeoutMs: number): RegistryWriteLock {
  const attempt = <T>(work: (db: Kysely<StoreDatabase>) => Promise<T>) =>
    db.connection().execute(async (connection): Promise<{ done: true; result: T } | { done: false }> => {
      await sql.raw(`pragma busy_timeout = ${SQLITE_ATTEMPT_MS}`).execute(connection);
      try {
        await sql`begin immediate`.execute(connection);
      } catch (error) {
        if (isBusy(error)) return { done: false };
        throw error;
      } finally {
        await sql.raw(`pragma busy_timeout = ${busyTimeoutMs}`).execute(connection);
      }
      let result: T;
      try {
        result = await work(connection);
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
      await sql`commit`.execute(connection);
      return { done: true, result };
    });
  return {
    run: async (work) => {
      const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
      for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
        const outcome = await attempt(work);
        if (outcome.done) return outcome.result;
        if (Date.now() > deadline) {
          throw new Error(
            `the registry is locked by another process for more than ${SQLITE_LOCK_WAIT_MS / 1000} s`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    },
  };
}

function isBusy(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('SQLITE_BUSY')
  );
}

/**
 * PostgreSQL: a transaction-scoped advisory lock, keyed by the schema, so every process on the
 * database serialises its registry writes (and registries in other schemas do not wait). The
 * NOTIFY sent inside the transaction is delivered only if it commits.
 */
export function postgresWriteLock(db: Kysely<StoreDatabase>): RegistryWriteLock {
  return {
    run: (work) =>
      db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('gatehouse.registry:' || current_schema()))`.execute(
          trx,
        );
        return work(trx);
      }),
    announce: async (trx, stage) => {
      await sql`select pg_notify(${REGISTRY_CHANNEL}, current_schema() || ':' || ${stage}::text)`.execute(
        trx,
      );
    },
  };
}

import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './migrations.js';
import type { RegistryWriteLock } from './sql-registry.js';

/** The channel PostgreSQL registries NOTIFY on; the payload is `schema:stage`. */
export const REGISTRY_CHANNEL = 'gatehouse_registry';

/**
 * SQLite: `BEGIN IMMEDIATE` takes the file's write lock before the first read, so two processes
 * on one file serialise (the second waits up to the store's busy timeout). A deferred `BEGIN`
 * would let both read the same head and the second fail when it writes.
 */
export function sqliteWriteLock(db: Kysely<StoreDatabase>): RegistryWriteLock {
  return {
    run: (work) =>
      db.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        let result;
        try {
          result = await work(connection);
        } catch (error) {
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
        await sql`commit`.execute(connection);
        return result;
      }),
  };
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
        await sql`select pg_advisory_xact_lock(hashtext('gatehouse.registry:' || current_schema()))`.execute(trx);
        return work(trx);
      }),
    announce: async (trx, stage) => {
      await sql`select pg_notify(${REGISTRY_CHANNEL}, current_schema() || ':' || ${stage}::text)`.execute(trx);
    },
  };
}

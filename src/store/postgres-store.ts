import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { POSTGRES_SCHEMA_PATTERN } from '../config/auth-schema.js';
import { UserFacingError } from '../errors.js';
import { migrationProvider, type StoreDatabase } from './migrations.js';
import { RegistryNotifications } from './postgres-notifications.js';
import { postgresWriteLock } from './registry-locks.js';
import { SqlApiKeys } from './sql-api-keys.js';
import { SqlRegistry } from './sql-registry.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (libpq URL parameters such as `sslmode` apply). */
  url: string;
  /** Schema holding the tables, created when missing; default: the connection's `search_path`. */
  schema?: string | undefined;
  /**
   * An idle pooled connection failed (the server restarted, a proxy cut it). The pool drops it and
   * the next query opens a new one; without a listener the error would end the process.
   */
  onIdleError?: ((error: Error) => void) | undefined;
}

/**
 * The shared store: PostgreSQL through a `pg` pool, so that every replica and `gatehouse keys`
 * on any host read and write the same rows. Migrations are the SQLite store's, run under
 * kysely's advisory lock, so replicas starting together migrate once.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, schema, onIdleError } = options;
  const where = describePostgres(url, schema);
  if (schema !== undefined && !POSTGRES_SCHEMA_PATTERN.test(schema)) {
    throw new UserFacingError(`Cannot open the store ${where}: "${schema}" is not a plain schema name`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    // Every pooled connection resolves unqualified table names in the schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', (error) => onIdleError?.(error));
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new UserFacingError(`Cannot connect to the store ${where}: ${errorText(error)}`);
  }
  const { error } = await new Migrator({
    db,
    provider: migrationProvider,
    // Kysely creates the schema, and keeps its migration tables there too.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  }).migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw new UserFacingError(`Cannot migrate the store ${where}: ${errorText(error)}`);
  }
  const notifications = new RegistryNotifications({
    url,
    schema: async () =>
      (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? '',
    onError: onIdleError,
  });
  return {
    kind: 'postgres',
    apiKeys: new SqlApiKeys(db, isUniqueViolation),
    registry: new SqlRegistry({
      db,
      lock: postgresWriteLock(db),
      subscribe: (listener) => notifications.subscribe(listener),
    }),
    close: async () => {
      await notifications.close();
      await db.destroy();
    },
  };
}

/** The URL without its password, and the schema: for messages and logs. */
export function describePostgres(url: string, schema?: string): string {
  let shown: string;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    shown = parsed.toString();
  } catch {
    shown = 'PostgreSQL (unparsable URL)';
  }
  return schema === undefined ? shown : `${shown} (schema ${schema})`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

/** Node reports a refused connection to a name with several addresses as an AggregateError without a message. */
function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner: unknown) => errorText(inner)).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

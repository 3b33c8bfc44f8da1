import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Selectable } from 'kysely';
import { UserFacingError } from '../errors.js';
import { migrationProvider, type ApiKeysTable, type StoreDatabase } from './migrations.js';
import { DuplicateKeyName, type ApiKeyRecord, type ApiKeyRepository, type Store } from './store.js';

/**
 * The embedded store: one SQLite file (or `:memory:`), shared by the gateway's workers and the
 * `gatehouse keys` commands. WAL lets readers and the occasional writer work at the same time.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  let database: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
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
    apiKeys: new SqlApiKeys(db),
    close: () => db.destroy(),
  };
}

class SqlApiKeys implements ApiKeyRepository {
  constructor(private readonly db: Kysely<StoreDatabase>) {}

  async insert(record: ApiKeyRecord): Promise<void> {
    try {
      await this.db
        .insertInto('api_keys')
        .values({
          id: record.id,
          name: record.name,
          hash: record.hash,
          scopes: JSON.stringify(record.scopes),
          plan: record.plan ?? null,
          created_at: record.createdAt.toISOString(),
          expires_at: record.expiresAt?.toISOString() ?? null,
          revoked_at: record.revokedAt?.toISOString() ?? null,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error) && (await this.findActiveByName(record.name)) !== undefined) {
        throw new DuplicateKeyName(record.name);
      }
      throw error;
    }
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findActiveByName(name: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at.toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    scopes: parseScopes(row.scopes),
    plan: row.plan ?? undefined,
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at === null ? undefined : new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? undefined : new Date(row.revoked_at),
  };
}

function parseScopes(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((scope): scope is string => typeof scope === 'string') : [];
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

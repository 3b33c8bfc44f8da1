import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Schema migrations, run in order when a store opens. Append only: a released migration never
 * changes. Types are kept to what SQLite and PostgreSQL share (text timestamps in ISO 8601).
 */
const migrations: Record<string, Migration> = {
  '0001-api-keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .addColumn('scopes', 'text', (column) => column.notNull().defaultTo('[]'))
        .addColumn('plan', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      // A name picks one live key (for `gatehouse keys revoke NAME`); a revoked name can be reused.
      await db.schema
        .createIndex('api_keys_active_name')
        .on('api_keys')
        .column('name')
        .unique()
        .where(sql.ref('revoked_at'), 'is', null)
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export interface ApiKeysTable {
  id: string;
  name: string;
  hash: string;
  scopes: string;
  plan: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface StoreDatabase {
  api_keys: ApiKeysTable;
}

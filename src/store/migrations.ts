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
  '0002-registry': {
    async up(db: Kysely<unknown>) {
      // Ids are given by the writer (max + 1 under the registry's write lock), the same on both
      // engines, so they increase over the whole registry.
      await db.schema
        .createTable('registry_versions')
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('stage', 'text', (column) => column.notNull())
        .addColumn('action', 'text', (column) => column.notNull())
        .addColumn('summary', 'text', (column) => column.notNull())
        .addColumn('subgraphs', 'text', (column) => column.notNull())
        .addColumn('supergraph_sdl', 'text', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .addColumn('published_by', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('check_report', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('registry_versions_stage')
        .on('registry_versions')
        .columns(['stage', 'id'])
        .execute();
      // Usage is aggregated per day, so a busy gateway adds rows per operation and client, not per request.
      await db.schema
        .createTable('registry_usage')
        .addColumn('stage', 'text', (column) => column.notNull())
        .addColumn('operation_hash', 'text', (column) => column.notNull())
        .addColumn('client_name', 'text', (column) => column.notNull())
        .addColumn('client_version', 'text', (column) => column.notNull())
        .addColumn('day', 'text', (column) => column.notNull())
        .addColumn('operation_name', 'text', (column) => column.notNull())
        .addColumn('count', 'bigint', (column) => column.notNull())
        .addColumn('last_seen', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('registry_usage_key', [
          'stage',
          'operation_hash',
          'client_name',
          'client_version',
          'day',
        ])
        .execute();
      // An operation's text fixes the coordinates it reads, so they are kept once per operation.
      await db.schema
        .createTable('registry_operation_coordinates')
        .addColumn('operation_hash', 'text', (column) => column.notNull())
        .addColumn('coordinate', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('registry_operation_coordinates_key', ['operation_hash', 'coordinate'])
        .execute();
      await db.schema
        .createIndex('registry_operation_coordinates_coordinate')
        .on('registry_operation_coordinates')
        .columns(['coordinate', 'operation_hash'])
        .execute();
    },
  },
  '0003-safelist': {
    async up(db: Kysely<unknown>) {
      // An id is a hash of the operation's text, so (stage, id) names one text for good: a push
      // that reuses an id with another text is refused, and rows are never updated.
      await db.schema
        .createTable('registry_safelist')
        .addColumn('stage', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('client_name', 'text')
        .addColumn('client_version', 'text')
        .addColumn('pushed_by', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('registry_safelist_key', ['stage', 'id'])
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

export interface RegistryVersionsTable {
  id: number;
  stage: string;
  action: string;
  summary: string;
  /** JSON array of RegistrySubgraph. */
  subgraphs: string;
  supergraph_sdl: string;
  hash: string;
  published_by: string;
  created_at: string;
  /** JSON of the CheckReport. */
  check_report: string;
}

export interface RegistryUsageTable {
  stage: string;
  operation_hash: string;
  client_name: string;
  client_version: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  operation_name: string;
  /** bigint: PostgreSQL returns it as a string. */
  count: number | string;
  last_seen: string;
}

export interface RegistryOperationCoordinatesTable {
  operation_hash: string;
  coordinate: string;
}

export interface RegistrySafelistTable {
  stage: string;
  id: string;
  body: string;
  client_name: string | null;
  client_version: string | null;
  /** Name of the admin token that pushed it. */
  pushed_by: string;
  created_at: string;
}

export interface StoreDatabase {
  api_keys: ApiKeysTable;
  registry_versions: RegistryVersionsTable;
  registry_usage: RegistryUsageTable;
  registry_operation_coordinates: RegistryOperationCoordinatesTable;
  registry_safelist: RegistrySafelistTable;
}

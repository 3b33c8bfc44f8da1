import type { StoreConfig } from '../config/auth-schema.js';
import { describePostgres, openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export type { ApiKeyRecord, ApiKeyRepository } from './api-keys.js';
export { DuplicateKeyName } from './api-keys.js';
export type { RegistryRepository } from './registry.js';
export type { Store, StoreKind } from './store.js';
export type { StoreConfig } from '../config/auth-schema.js';

export interface OpenStoreOptions {
  /** Errors of idle shared connections, which the store recovers from (see {@link openPostgresStore}). */
  onIdleError?: (error: Error) => void;
}

/** Opens the configured store and brings its schema up to date. */
export function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  if (config.postgres !== undefined) {
    return openPostgresStore({
      url: config.postgres,
      schema: config.postgresSchema,
      onIdleError: options.onIdleError,
    });
  }
  return openSqliteStore(config.sqlite);
}

/** Where the store is, for messages: the SQLite path, or the PostgreSQL URL without its password. */
export function describeStore(config: StoreConfig): string {
  return config.postgres === undefined
    ? config.sqlite
    : `PostgreSQL ${describePostgres(config.postgres, config.postgresSchema)}`;
}

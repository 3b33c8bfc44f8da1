import type { GatehouseConfig } from '../config/load.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export type { ApiKeyRecord, ApiKeyRepository, Store } from './store.js';
export { DuplicateKeyName } from './store.js';

/** Opens the configured store and brings its schema up to date. */
export function openStore(config: GatehouseConfig['store']): Promise<Store> {
  return openSqliteStore(config.sqlite);
}

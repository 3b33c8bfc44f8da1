import type { ApiKeyRepository } from './api-keys.js';
import type { RegistryRepository } from './registry.js';

/**
 * The gateway's own state, one repository per concern (API keys, the schema registry). Each engine implements every repository: SQLite embedded in the process, or
 * PostgreSQL shared by every replica. A consumer takes the repository it needs, never the engine.
 */
export interface Store {
  readonly kind: StoreKind;
  readonly apiKeys: ApiKeyRepository;
  readonly registry: RegistryRepository;
  close(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'postgres';

import type { ApiKeyRepository } from './api-keys.js';

/**
 * The gateway's own state, one repository per concern (API keys today; later concerns add
 * theirs). Each engine implements every repository: SQLite embedded in the process, or
 * PostgreSQL shared by every replica. A consumer takes the repository it needs, never the engine.
 */
export interface Store {
  readonly kind: StoreKind;
  readonly apiKeys: ApiKeyRepository;
  close(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'postgres';

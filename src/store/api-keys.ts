/**
 * The API-key concern of the store: what `ApiKeys` (src/auth/api-keys.ts) needs and no more.
 * Every engine implements it and passes test/unit/auth/api-keys.test.ts.
 */

/** An API key as stored: the key itself is never kept, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  scopes: readonly string[];
  plan: string | undefined;
  createdAt: Date;
  expiresAt: Date | undefined;
  revokedAt: Date | undefined;
}

export interface ApiKeyRepository {
  /** Fails with {@link DuplicateKeyName} when an unrevoked key already has the name. */
  insert(record: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  /** The unrevoked key with this name, if any. */
  findActiveByName(name: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, oldest first (by name within the same millisecond). */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when it does not exist or was already revoked. */
  revoke(id: string, at: Date): Promise<boolean>;
}

export class DuplicateKeyName extends Error {
  constructor(readonly keyName: string) {
    super(`an API key named "${keyName}" already exists; revoke it first or choose another name`);
    this.name = 'DuplicateKeyName';
  }
}

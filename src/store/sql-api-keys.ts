import type { Kysely, Selectable } from 'kysely';
import { DuplicateKeyName, type ApiKeyRecord, type ApiKeyRepository } from './api-keys.js';
import type { ApiKeysTable, StoreDatabase } from './migrations.js';

/**
 * API keys over kysely, the same queries on SQLite and PostgreSQL (the columns are text on
 * both). Only the way each engine reports a unique violation differs, so the engine passes it in.
 */
export class SqlApiKeys implements ApiKeyRepository {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly isUniqueViolation: (error: unknown) => boolean,
  ) {}

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
      if (this.isUniqueViolation(error) && (await this.findActiveByName(record.name)) !== undefined) {
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

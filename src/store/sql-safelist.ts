import type { Kysely, Selectable } from 'kysely';
import type { RegistrySafelistTable, StoreDatabase } from './migrations.js';
import {
  SAFELIST_LIMITS,
  SafelistConflict,
  SafelistFull,
  type SafelistDocument,
  type SafelistPush,
  type SafelistPushResult,
} from './safelist.js';

/** Ids per `in (…)` list and rows per insert: well under either engine's parameter limit. */
const CHUNK = 200;

/**
 * The safelist's queries, the same on SQLite and PostgreSQL. {@link pushSafelist} runs under the
 * registry's write lock (SqlRegistry), so what it reads stays true until it commits.
 */
export async function pushSafelist(
  db: Kysely<StoreDatabase>,
  push: SafelistPush,
): Promise<SafelistPushResult> {
  const wanted = new Map<string, string>();
  for (const { id, body } of push.documents) wanted.set(id, body);
  const stored = new Map<string, string>();
  const ids = [...wanted.keys()];
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = await db
      .selectFrom('registry_safelist')
      .select(['id', 'body'])
      .where('stage', '=', push.stage)
      .where('id', 'in', ids.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) stored.set(row.id, row.body);
  }
  const conflicts = ids.filter((id) => stored.has(id) && stored.get(id) !== wanted.get(id));
  if (conflicts.length > 0) throw new SafelistConflict(push.stage, conflicts);
  const added = ids.filter((id) => !stored.has(id));
  const existing = ids.filter((id) => stored.has(id));
  const held = await safelistRevision(db, push.stage);
  if (held + added.length > SAFELIST_LIMITS.documentsPerStage)
    throw new SafelistFull(push.stage, held, added.length);
  const rows = added.map((id) => ({
    stage: push.stage,
    id,
    body: wanted.get(id) ?? '',
    client_name: push.clientName,
    client_version: push.clientVersion,
    pushed_by: push.pushedBy,
    created_at: push.createdAt.toISOString(),
  }));
  for (let start = 0; start < rows.length; start += CHUNK) {
    await db
      .insertInto('registry_safelist')
      .values(rows.slice(start, start + CHUNK))
      .execute();
  }
  return { added, existing, revision: held + added.length };
}

/** The stage's documents, oldest first. */
export async function safelistOf(db: Kysely<StoreDatabase>, stage: string): Promise<SafelistDocument[]> {
  const rows = await db
    .selectFrom('registry_safelist')
    .selectAll()
    .where('stage', '=', stage)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toDocument);
}

/**
 * How many documents the stage holds. The safelist only grows, so this number changes with every
 * push that adds something: gateways poll it (it is the ETag of the stage's safelist).
 */
export async function safelistRevision(db: Kysely<StoreDatabase>, stage: string): Promise<number> {
  const { count } = await db
    .selectFrom('registry_safelist')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('stage', '=', stage)
    .executeTakeFirstOrThrow();
  return Number(count);
}

function toDocument(row: Selectable<RegistrySafelistTable>): SafelistDocument {
  return {
    id: row.id,
    body: row.body,
    clientName: row.client_name,
    clientVersion: row.client_version,
    pushedBy: row.pushed_by,
    createdAt: new Date(row.created_at),
  };
}

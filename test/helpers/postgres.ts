import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/index.js';

/**
 * The PostgreSQL the tests use: this machine's (scripts/test-prerequisites.mjs starts it), or
 * GATEHOUSE_TEST_POSTGRES_URL.
 */
export const TEST_POSTGRES_URL =
  process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  /** A fresh schema name, unique to this test; nothing is created until a store opens it. */
  name: string;
  /** The `store` config that keeps everything in this schema. */
  store: StoreConfig & { postgres: string };
  /** Drops the schema and all it holds. */
  drop(): Promise<void>;
}

/** A PostgreSQL schema of its own for one test, so tests running at once never share rows. */
export function testSchema(prefix = 'gatehouse_test'): TestSchema {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  return {
    name,
    store: { postgres: TEST_POSTGRES_URL, postgresSchema: name },
    drop: () =>
      withClient(async (client) => {
        await client.query(`drop schema if exists ${name} cascade`);
      }),
  };
}

/** Runs one piece of SQL work on its own connection, closed afterwards. */
export async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { UserFacingError } from '../../src/errors.js';
import { describeStore } from '../../src/store/index.js';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof UserFacingError) return error.details;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const resolve = (store: unknown, env: NodeJS.ProcessEnv = {}) =>
  resolveConfig({ store }, { env, baseDir: '/srv/gatehouse' }).store;

describe('the store configuration', () => {
  it('defaults to the embedded SQLite file, relative to the config file', () => {
    expect(resolveConfig({}, { env: {}, baseDir: '/srv/gatehouse' }).store).toEqual({
      sqlite: join('/srv/gatehouse', '.gatehouse/gatehouse.db'),
    });
    expect(resolve({ sqlite: 'data/keys.db' })).toEqual({ sqlite: '/srv/gatehouse/data/keys.db' });
    expect(resolve({ sqlite: ':memory:' })).toEqual({ sqlite: ':memory:' });
  });

  it('takes a PostgreSQL URL, from the environment too, with an optional schema', () => {
    expect(resolve({ postgres: 'postgres://gatehouse@db:5432/gatehouse' })).toEqual({
      postgres: 'postgres://gatehouse@db:5432/gatehouse',
    });
    expect(
      resolve(
        { postgres: '${env:GATEHOUSE_DATABASE_URL}', postgresSchema: 'gateway' },
        { GATEHOUSE_DATABASE_URL: 'postgresql://u:p@db/g' },
      ),
    ).toEqual({ postgres: 'postgresql://u:p@db/g', postgresSchema: 'gateway' });
  });

  it('can be SQLite by default and PostgreSQL in one stage', () => {
    const raw = { stages: { prod: { store: { postgres: 'postgres://db/g' } } } };
    expect(resolveConfig(raw, { env: {}, stage: 'prod' }).store).toEqual({ postgres: 'postgres://db/g' });
    expect(resolveConfig(raw, { env: {}, stage: 'dev' }).store.sqlite).toMatch(/gatehouse\.db$/);
  });

  it('refuses both engines at once, a bad URL or schema, and a schema without PostgreSQL', () => {
    expect(problemsOf(() => resolve({ sqlite: 'a.db', postgres: 'postgres://db/g' }))).toEqual([
      'store: set either sqlite or postgres, not both',
    ]);
    expect(problemsOf(() => resolve({ postgres: 'mysql://db/g' }))).toEqual([
      'store.postgres: expected a postgres:// URL',
    ]);
    expect(problemsOf(() => resolve({ postgres: 'postgres://db/g', postgresSchema: 'Bad-Name' }))).toEqual([
      'store.postgresSchema: expected a lower-case schema name (letters, digits, _)',
    ]);
    expect(problemsOf(() => resolve({ postgresSchema: 'gateway' }))).toEqual([
      'store.postgresSchema: only applies with store.postgres',
    ]);
    expect(problemsOf(() => resolve({ postgres: '${env:GATEHOUSE_DATABASE_URL}' }))).toEqual([
      'store.postgres: environment variable GATEHOUSE_DATABASE_URL is not set',
    ]);
  });

  it('is described without the password', () => {
    expect(describeStore({ postgres: 'postgres://gatehouse:s3cret@db:5432/g', postgresSchema: 'gw' })).toBe(
      'PostgreSQL postgres://gatehouse:***@db:5432/g (schema gw)',
    );
    expect(describeStore({ sqlite: '/srv/gatehouse/keys.db' })).toBe('/srv/gatehouse/keys.db');
  });
});

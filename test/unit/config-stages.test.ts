import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { validateStages } from '../../src/config/validate.js';
import { UserFacingError } from '../../src/errors.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof UserFacingError) return [error.message, ...error.details];
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const asStage = (raw: Record<string, unknown>, stage: string, env: NodeJS.ProcessEnv = {}) =>
  resolveConfig(raw, { stage, env, source: 'gatehouse.yaml' });

describe('stages', () => {
  it('makes prod and production production stages, with introspection, sandbox and query plans off', () => {
    for (const stage of ['prod', 'production']) {
      const config = asStage({}, stage);
      expect([config.production, config.introspection, config.sandbox, config.exposeQueryPlans]).toEqual([
        true,
        false,
        false,
        false,
      ]);
    }
    for (const stage of ['dev', 'test']) {
      const config = asStage({}, stage);
      expect([config.production, config.introspection, config.sandbox, config.exposeQueryPlans]).toEqual([
        false,
        true,
        true,
        true,
      ]);
    }
  });

  it('declares another production stage with `production: true`, a flag that is not merged as a field', () => {
    const raw = {
      stages: { live: { production: true, server: { port: 8080 } }, qa: { production: 'false' } },
    };
    const live = asStage(raw, 'live');
    expect(live.production).toBe(true);
    expect(live.server.port).toBe(8080);
    expect([live.introspection, live.sandbox, live.exposeQueryPlans]).toEqual([false, false, false]);
    expect(asStage(raw, 'qa').production).toBe(false);
  });

  it('lets prod be declared `production: false` explicitly, and says so in validation', () => {
    const raw = { stages: { prod: { production: false } } };
    expect(asStage(raw, 'prod').production).toBe(false);
    const [prod] = validateStages(raw, { only: 'prod', env: {} });
    expect(prod?.notes[0]).toMatch(/stage "prod" is declared `production: false`/);
  });

  it('rejects a production flag that is not a boolean, and a stage name that is not one', () => {
    expect(problemsOf(() => asStage({ stages: { qa: { production: 'yes' } } }, 'qa'))).toContain(
      'stages.qa.production: expected true or false',
    );
    expect(problemsOf(() => asStage({ stages: { QA: {} } }, 'QA')).join('\n')).toMatch(
      /stages\.QA: .*expected a stage name such as dev, test or prod/,
    );
  });

  it('rejects `stages` that is not a mapping of stage names', () => {
    expect(problemsOf(() => asStage({ stages: ['prod'] }, 'dev')).join('\n')).toMatch(/^stages: /m);
    expect(problemsOf(() => asStage({ stages: { prod: 'on' } }, 'prod')).join('\n')).toMatch(
      /^stages\.prod: /m,
    );
  });

  it('refuses an unknown stage, naming where it came from and the known ones', () => {
    const raw = { stages: { staging: {} }, registry: { stages: ['dev', 'canary'] } };
    expect(problemsOf(() => asStage(raw, 'prdo'))).toEqual([
      'Unknown stage "prdo" (from --stage) in gatehouse.yaml: known stages are dev, test, prod, production, staging, canary.',
      'declare it in gatehouse.yaml, e.g. `stages: { prdo: {} }` (add `production: true` for a production stage), or list it in `registry.stages`',
    ]);
    expect(problemsOf(() => resolveConfig({}, { env: { GATEHOUSE_STAGE: 'qa' } }))[0]).toMatch(
      /^Unknown stage "qa" \(from GATEHOUSE_STAGE\)/,
    );
    expect(problemsOf(() => resolveConfig({ stage: 'qa' }, { env: {} }))[0]).toMatch(
      /^Unknown stage "qa" \(from `stage:` in the file\)/,
    );
    // Declared ones are known: under `stages`, and the registry's.
    expect(asStage(raw, 'staging').stage).toBe('staging');
    expect(asStage(raw, 'canary').production).toBe(false);
  });

  it('never answers query plans in a production stage: `exposeQueryPlans: true` there is an error', () => {
    expect(problemsOf(() => asStage({ exposeQueryPlans: true }, 'prod'))).toEqual([
      'Invalid gatehouse.yaml (stage "prod"):',
      'exposeQueryPlans: query plans are never answered in a production stage ("prod"); set `exposeQueryPlans: true` in a non-production stage\'s overlay (e.g. `stages.dev`) instead',
    ]);
    const raw = { exposeQueryPlans: false, stages: { dev: { exposeQueryPlans: true } } };
    expect(asStage(raw, 'dev').exposeQueryPlans).toBe(true);
    expect(asStage(raw, 'prod').exposeQueryPlans).toBe(false);
    expect(
      problemsOf(() =>
        asStage({ stages: { live: { production: true, exposeQueryPlans: true } } }, 'live'),
      )[1],
    ).toMatch(/^exposeQueryPlans: query plans are never answered in a production stage \("live"\)/);
  });

  it("interpolates only the chosen stage's overlay: a variable only prod needs may be unset in dev", () => {
    const raw = { stages: { prod: { store: { postgres: '${env:DATABASE_URL}' } } } };
    expect(asStage(raw, 'dev').store).toEqual({ sqlite: expect.stringMatching(/gatehouse\.db$/) });
    expect(problemsOf(() => asStage(raw, 'prod'))).toContain(
      'stages.prod.store.postgres: environment variable DATABASE_URL is not set',
    );
    expect(asStage(raw, 'prod', { DATABASE_URL: 'postgres://db/g' }).store).toEqual({
      postgres: 'postgres://db/g',
    });
  });
});

describe('Router-style variables', () => {
  it('names Gatehouse’s syntax for `${env.X}`, with its path', () => {
    expect(
      problemsOf(() =>
        asStage(
          {
            server: { host: '${env.HOST}' },
            registry: { tokens: [{ name: 'ci', token: 'x${env.TOKEN:-abc}' }] },
          },
          'dev',
        ),
      ),
    ).toEqual([
      'Invalid gatehouse.yaml (stage "dev"):',
      'server.host: "${env.HOST}" is Apollo Router\'s syntax; Gatehouse reads `${env:HOST}` (a colon, not a dot)',
      'registry.tokens[0].token: "${env.TOKEN:-abc}" is Apollo Router\'s syntax; Gatehouse reads `${env:TOKEN:-abc}` (a colon, not a dot)',
    ]);
  });
});

describe('validating every stage', () => {
  const raw = {
    stages: {
      prod: { server: { port: 'eighty' }, exposeQueryPlans: true },
      staging: { production: true },
    },
  };

  it('checks dev, test, prod and each declared stage, with every problem of each', () => {
    const reports = validateStages(raw, { env: {}, source: 'gatehouse.yaml' });
    expect(reports.map(({ stage, production, problems }) => [stage, production, problems])).toEqual([
      ['dev', false, []],
      ['test', false, []],
      ['prod', undefined, ['server.port: expected an integer']],
      ['staging', true, []],
    ]);
  });

  it('reports the exposeQueryPlans rule once the overlay is otherwise valid, and an unknown --stage', () => {
    const fixed = { stages: { prod: { exposeQueryPlans: true } } };
    expect(validateStages(fixed, { env: {}, only: 'prod' })[0]?.problems[0]).toMatch(/^exposeQueryPlans: /);
    expect(validateStages(fixed, { env: {}, only: 'qa' })[0]?.problems[0]).toMatch(/^Unknown stage "qa"/);
  });
});

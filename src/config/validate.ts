import { UserFacingError } from '../errors.js';
import { interpolateEnv, isPlainObject } from './interpolate.js';
import { resolveConfig, type ResolveOptions } from './load.js';
import { declaredStages, isProductionStage } from './stages.js';

export interface StageReport {
  stage: string;
  /** Whether the stage is a production one; undefined when its config is invalid. */
  production: boolean | undefined;
  /** What is wrong, each with its field path; empty when the stage's config is valid. */
  problems: string[];
  /** Worth knowing, not wrong. */
  notes: string[];
}

/**
 * Resolves the config as each stage would, so that a broken `prod` overlay is found while running
 * `dev`. Without `only`, the stages checked are dev, test and prod, every stage declared under
 * `stages`, the registry's stages, and the file's own `stage`.
 */
export function validateStages(
  raw: unknown,
  options: Omit<ResolveOptions, 'stage' | 'overrides'> & { only?: string },
): StageReport[] {
  const stages = options.only === undefined ? stagesToCheck(raw, options.env ?? process.env) : [options.only];
  return stages.map((stage) => {
    try {
      const config = resolveConfig(raw, { ...options, stage });
      return {
        stage,
        production: config.production,
        problems: [],
        notes: notesFor(stage, config.production),
      };
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      // The heading ("Invalid FILE (stage "prod"):") is the report's; an error without details is its own line.
      const problems = error.details.length > 0 && error.message.endsWith(':') ? [] : [error.message];
      return { stage, production: undefined, problems: [...problems, ...error.details], notes: [] };
    }
  });
}

function stagesToCheck(raw: unknown, env: NodeJS.ProcessEnv): string[] {
  if (!isPlainObject(raw)) return ['dev'];
  // Variables only fill in `registry.stages` here; the stage checks report any that are unset.
  const { stages, ...file } = raw;
  const base = interpolateEnv(file, env, []) as Record<string, unknown>;
  const own = typeof base.stage === 'string' ? [base.stage] : [];
  return [...new Set(['dev', 'test', 'prod', ...declaredStages({ ...base, stages }), ...own])];
}

function notesFor(stage: string, production: boolean): string[] {
  if (production || !isProductionStage(stage, undefined)) return [];
  return [
    `stage "${stage}" is declared \`production: false\`: it gets the defaults of a non-production stage (introspection, the sandbox and query plans on)`,
  ];
}

import { UserFacingError } from '../errors.js';
import { isPlainObject } from './interpolate.js';
import { REGISTRY_DEFAULT } from './supergraph-schema.js';

/**
 * Stages: which names a config may run as, which of them are production stages, and the overlay
 * each one applies. A stage name that nothing declares is an error rather than a silent `dev`,
 * because a typo in `--stage prdo` would otherwise serve with introspection, the sandbox and query
 * plans switched on.
 */

/** Known whatever the file says; `prod` and `production` are production stages unless declared otherwise. */
export const DEFAULT_STAGES = ['dev', 'test', 'prod', 'production'] as const;
const PRODUCTION_BY_DEFAULT = new Set<string>(['prod', 'production']);

/** Where the stage name came from, for messages. */
export type StageOrigin = '--stage' | 'GATEHOUSE_STAGE' | '`stage:` in the file' | 'the default';

/**
 * Every stage the file knows: the defaults, the keys of `stages` and the registry's stages (which a
 * gateway following the registry runs as).
 */
export function knownStages(file: Record<string, unknown>): string[] {
  return [...new Set([...DEFAULT_STAGES, ...declaredStages(file)])];
}

/** The keys of `stages`, then `registry.stages` (dev, test and prod when it is not set). */
export function declaredStages(file: Record<string, unknown>): string[] {
  const declared = isPlainObject(file.stages) ? Object.keys(file.stages) : [];
  const registry = isPlainObject(file.registry) ? file.registry.stages : undefined;
  const registryStages = Array.isArray(registry)
    ? registry.filter((stage): stage is string => typeof stage === 'string')
    : REGISTRY_DEFAULT.stages;
  return [...new Set([...declared, ...registryStages])];
}

export function assertKnownStage(
  file: Record<string, unknown>,
  stage: string,
  origin: StageOrigin,
  source: string,
): void {
  const known = knownStages(file);
  if (known.includes(stage)) return;
  throw new UserFacingError(
    `Unknown stage "${stage}" (from ${origin}) in ${source}: known stages are ${known.join(', ')}.`,
    [
      `declare it in ${source}, e.g. \`stages: { ${stage}: {} }\` (add \`production: true\` for a production stage), or list it in \`registry.stages\``,
    ],
  );
}

/** An overlay without its `production` flag, which is about the stage, not a config field. */
export function withoutStageFlags(overlay: Record<string, unknown>): Record<string, unknown> {
  const { production: _production, ...rest } = overlay;
  return rest;
}

/**
 * A production stage: declared `stages.<name>.production: true`, or named `prod` or `production`
 * and not declared `production: false`. The flag has been validated (a boolean) by then.
 */
export function isProductionStage(stage: string, declared: boolean | undefined): boolean {
  return declared ?? PRODUCTION_BY_DEFAULT.has(stage);
}

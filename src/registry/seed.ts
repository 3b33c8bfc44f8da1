import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import { loadSubgraphSdls } from '../supergraph/compose.js';
import type { EmbeddedRegistry } from './service.js';

/** Shown in the history as who made a stage's first version from the config. */
export const SEED_ACTOR = 'config';

/**
 * Gives an empty stage its first version from the config's `subgraphs` (read from their files or
 * running services), so a registry starts serving the graph the config describes. A stage that
 * has a version is left alone: what teams published since wins over the file. The registry logs the
 * version it makes.
 */
export async function seedStageFromConfig(
  registry: EmbeddedRegistry,
  config: GatehouseConfig,
  stage: string,
): Promise<void> {
  if (config.subgraphs.length === 0 || (await registry.current(stage)) !== undefined) return;
  const sdls = await loadSubgraphSdls(config.subgraphs, { waitMs: 10_000 });
  const outcome = await registry.seed(
    stage,
    sdls.map(({ name, url, sdl, type, origin }) => ({ name, url, sdl, type: type ?? 'graphql', origin })),
    SEED_ACTOR,
  );
  if (outcome.status === 'rejected') {
    throw new UserFacingError(
      `Cannot seed stage "${stage}" of the registry from ${config.source}: the subgraphs do not compose:`,
      outcome.report.compositionErrors.map(
        (problem) => `${problem.message}${problem.locations.map((where) => `\n      at ${where}`).join('')}`,
      ),
    );
  }
}

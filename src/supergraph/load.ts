import { readFile } from 'node:fs/promises';
import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import { composeSupergraph, loadSubgraphSdls } from './compose.js';
import { assertValidSupergraph } from './validate.js';

export { prepareSupergraph, type PreparedSupergraph } from '../gateway/authorization/supergraph-metadata.js';

export interface SupergraphLoadOptions {
  /** How long to wait for subgraphs that are introspected and not answering yet. */
  introspectionWaitMs?: number;
}

/**
 * The supergraph SDL to serve once: the configured file, or the subgraphs composed now. It is
 * returned as it is, authorization directives included; the runtime passes it through
 * `prepareSupergraph` (or `SupergraphRules.prepare`) before the gateway loads it. A gateway that
 * follows its source uses `createSupergraphSource` (sources.ts) instead.
 */
export async function loadSupergraph(
  config: GatehouseConfig,
  options: SupergraphLoadOptions = {},
): Promise<string> {
  if (config.supergraph?.kind === 'file') {
    const { path } = config.supergraph;
    const sdl = await readSupergraphFile(path);
    assertValidSupergraph(sdl, path);
    return sdl;
  }
  if (config.supergraph !== undefined) {
    throw new UserFacingError(
      `A ${config.supergraph.kind} supergraph source is followed by a running gateway; it cannot be read once here`,
    );
  }
  return composeFromConfig(config, options);
}

export async function readSupergraphFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UserFacingError(
      `Cannot read the supergraph from ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

/** Composes the config's `subgraphs`, reading each one's SDL from its file or the running service. */
export async function composeFromConfig(
  config: GatehouseConfig,
  options: SupergraphLoadOptions = {},
): Promise<string> {
  if (config.subgraphs.length === 0) {
    throw new UserFacingError(
      `Nothing to serve: ${config.source} lists no \`subgraphs\` and no \`supergraph\`.`,
    );
  }
  const sdls = await loadSubgraphSdls(config.subgraphs, { waitMs: options.introspectionWaitMs ?? 10_000 });
  return composeSupergraph(sdls, { connectors: config.connectors });
}

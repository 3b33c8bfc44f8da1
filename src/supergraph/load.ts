import { readFile } from 'node:fs/promises';
import { Supergraph } from '@apollo/federation-internals';
import type { GatehouseConfig } from '../config/load.js';
import { extractConnectors } from '../connectors/supergraph.js';
import { UserFacingError } from '../errors.js';
import { prepareSupergraph } from '../gateway/authorization/supergraph-metadata.js';
import { composeSupergraph, loadSubgraphSdls } from './compose.js';

export { prepareSupergraph, type PreparedSupergraph } from '../gateway/authorization/supergraph-metadata.js';

export interface SupergraphLoadOptions {
  /** How long to wait for subgraphs that are introspected and not answering yet. */
  introspectionWaitMs?: number;
}

/**
 * The supergraph SDL to serve: the configured file, or the subgraphs composed now. It is returned
 * as it is, authorization directives included; the runtime passes it through `prepareSupergraph`
 * (or `SupergraphRules.prepare`) before the gateway loads it.
 */
export async function loadSupergraph(
  config: GatehouseConfig,
  options: SupergraphLoadOptions = {},
): Promise<string> {
  if (config.supergraph?.kind === 'file') {
    const { path } = config.supergraph;
    let sdl: string;
    try {
      sdl = await readFile(path, 'utf8');
    } catch (error) {
      throw new UserFacingError(
        `Cannot read the supergraph from ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    assertValidSupergraph(sdl, path);
    return sdl;
  }
  if (config.supergraph !== undefined) {
    throw new UserFacingError(`A ${config.supergraph.kind} supergraph source is not supported here yet`);
  }
  if (config.subgraphs.length === 0) {
    throw new UserFacingError(
      `Nothing to serve: ${config.source} lists no \`subgraphs\` and no \`supergraph\`.`,
    );
  }
  const sdls = await loadSubgraphSdls(config.subgraphs, { waitMs: options.introspectionWaitMs ?? 10_000 });
  return composeSupergraph(sdls, { connectors: config.connectors });
}

/**
 * Fails with the reason when the text is not a supergraph the gateway can serve: checked as the
 * gateway will load it, after its authorization metadata has been taken out.
 */
function assertValidSupergraph(sdl: string, origin: string): void {
  try {
    Supergraph.build(prepareSupergraph(extractConnectors(sdl).servableSdl).servableSdl);
  } catch (error) {
    if (error instanceof UserFacingError) throw new UserFacingError(`${origin}: ${error.message}`);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserFacingError(`${origin} is not a valid supergraph: ${message}`);
  }
}

import { Supergraph } from '@apollo/federation-internals';
import { extractConnectors } from '../connectors/supergraph.js';
import { UserFacingError } from '../errors.js';
import { prepareSupergraph } from '../gateway/authorization/supergraph-metadata.js';

/**
 * Fails with the reason when the text is not a supergraph the gateway can serve: checked as the
 * gateway will load it, after its connectors and authorization metadata have been taken out. Every
 * supergraph passes here before it is served, at start and on every update.
 */
export function assertValidSupergraph(sdl: string, origin: string): void {
  try {
    Supergraph.build(prepareSupergraph(extractConnectors(sdl).servableSdl).servableSdl);
  } catch (error) {
    if (error instanceof UserFacingError) throw new UserFacingError(`${origin}: ${error.message}`);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserFacingError(`${origin} is not a valid supergraph: ${message}`);
  }
}

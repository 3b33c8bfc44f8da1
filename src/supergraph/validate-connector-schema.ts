import { UserFacingError } from '../errors.js';
import { composeSupergraph } from './compose.js';

/**
 * Checks the generated SDL before it is written, as `gatehouse compose` will: it parses, composes as
 * a subgraph, and passes the connector checks. A failure here is a generator bug.
 */
export function validateConnectorSchema(sdl: string, name: string): void {
  try {
    composeSupergraph([
      { name, url: 'http://connectors.invalid/graphql', sdl, origin: 'generated schema', type: 'rest' },
    ]);
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    throw new UserFacingError(
      'The generated schema is not valid (a bug in the generator; please report it with the OpenAPI document):',
      error.details,
    );
  }
}

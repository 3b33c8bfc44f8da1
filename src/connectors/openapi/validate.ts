import { composeServices } from '@apollo/composition';
import { parse, type GraphQLError } from 'graphql';
import { UserFacingError } from '../../errors.js';

/**
 * Checks the generated SDL before it is written: it parses, and composes as a subgraph (which
 * also checks the federation and connect spec directives). A failure here is a generator bug.
 */
export function validateConnectorSchema(sdl: string, name: string): void {
  const fail = (errors: readonly GraphQLError[]) =>
    new UserFacingError(
      'The generated schema is not valid (a bug in the generator; please report it with the OpenAPI document):',
      errors.map((error) => error.message),
    );
  let typeDefs;
  try {
    typeDefs = parse(sdl);
  } catch (error) {
    throw fail([error as GraphQLError]);
  }
  const result = composeServices([{ name, url: 'http://connectors.invalid/graphql', typeDefs }]);
  if (result.errors !== undefined) throw fail(result.errors);
}

import { unwrapResolverError } from '@apollo/server/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import { CONNECTOR_HTTP_EXTENSION } from '../connectors/http-client.js';
import { errorCatalogue } from '../errors.js';

/** graphql-js's suggestions, at the end of validation and variable errors: `Did you mean "secret"?` */
const SUGGESTION = / ?Did you mean [^?]*\?$/;

/**
 * The last word on what a client sees of an error: never a stack trace, and for unexpected
 * internal failures only a generic message (the detail goes to the log). With `hideSuggestions`
 * (introspection off, or hidden fields), validation and input errors lose graphql-js's
 * "Did you mean …?", which would otherwise name fields and values introspection does not show.
 */
export function formatClientError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: FastifyBaseLogger,
  hideSuggestions = false,
): GraphQLFormattedError {
  const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
  if (hideSuggestions && SUGGESTION.test(formatted.message)) {
    return { ...formatted, message: formatted.message.replace(SUGGESTION, ''), extensions };
  }
  // Errors that came from a subgraph carry serviceName and are the subgraph's to word.
  if (extensions.code === 'INTERNAL_SERVER_ERROR' && extensions.serviceName === undefined) {
    logger.error({ err: unwrapResolverError(error) }, 'internal error while executing an operation');
    return { ...formatted, message: errorCatalogue.INTERNAL_SERVER_ERROR.message, extensions };
  }
  if (CONNECTOR_HTTP_EXTENSION in extensions) {
    const { [CONNECTOR_HTTP_EXTENSION]: http, ...rest } = extensions;
    return { ...formatted, extensions: { ...rest, http } };
  }
  return { ...formatted, extensions };
}

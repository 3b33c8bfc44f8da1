import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { GraphQLError as GraphQLErrorType } from 'graphql';
import { GraphQLError } from 'graphql';
import type { ResponsePath } from '../merge-data.js';

/** An error as a subgraph sent it: parsed JSON, not a GraphQLError instance. */
export interface SubgraphError {
  message?: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

// Read once: federation-internals' exports are getters that cost on every access.
const DOWNSTREAM_SERVICE_ERROR = ERRORS.DOWNSTREAM_SERVICE_ERROR;

/**
 * Apollo Gateway's `downstreamServiceError`: the subgraph's message (or a generic one), its
 * extensions plus `serviceName`, a code (`DOWNSTREAM_SERVICE_ERROR` unless the subgraph gave one) and
 * the path in the client's response. Errors are rare, so this stays a faithful copy rather than a
 * fast one.
 */
export function downstreamServiceError(
  original: SubgraphError,
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLErrorType {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const { extensions } = original;
  const options = {
    // Apollo passes the parsed error itself as the original error.
    originalError: original as unknown as Error,
    path,
    extensions: { ...extensions, serviceName },
  };
  const codeDefinition = errorCodeDef(original as unknown as GraphQLErrorType);
  if (!codeDefinition && extensions?.code) return new GraphQLError(message, options);
  return (codeDefinition ?? DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

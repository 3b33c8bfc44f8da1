import { errorBody, gatehouseError } from '../errors.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';

/**
 * Settles which operation runs before the gateway plans it, so a bad operation name is the
 * client's 400 rather than an executor failure. Apollo Server itself refuses non-queries over
 * GET with 405; that answer is reworded here to carry the gateway's own code.
 */
export function useOperationResolution(): GatewayPlugin {
  return {
    name: 'operation-resolution',
    operation: {
      async requestDidStart() {
        return {
          async didResolveOperation({ operation, request }) {
            if (!operation) {
              throw gatehouseError(
                'OPERATION_RESOLUTION_FAILURE',
                request.operationName
                  ? `Unknown operation named "${request.operationName}".`
                  : 'The document has several operations: say which to run with operationName.',
                { http: { status: 400 } },
              );
            }
          },
          async willSendResponse({ request, response }) {
            if (response.http.status !== 405 || response.body.kind !== 'single') return;
            const method = request.http?.method ?? 'GET';
            const error = errorBody(
              'METHOD_NOT_ALLOWED',
              `Only queries can be sent with ${method}; use POST.`,
            );
            response.body.singleResult.errors = error.errors;
          },
        };
      },
    },
  };
}

/** Subgraph errors that mean the subgraph gave nothing usable. */
const UNAVAILABLE = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_BAD_RESPONSE', 'SUBGRAPH_RESPONSE_TOO_LARGE']);

/**
 * When no data at all came back (every root field null) because subgraphs were unreachable, answer
 * 502 rather than 200, so load balancers and clients see the failure; partial data keeps 200. It
 * judges the final response, so it comes after authorization, which puts in nulls and errors.
 */
export function useSubgraphFailureStatus(): GatewayPlugin {
  return {
    name: 'subgraph-failure-status',
    operation: {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            if (response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            const gotNothing =
              data === null || data === undefined || Object.values(data).every((value) => value === null);
            if (!gotNothing || !errors?.length) return;
            if (errors.every((error) => UNAVAILABLE.has(String(error.extensions?.code))))
              response.http.status = 502;
          },
        };
      },
    },
  };
}

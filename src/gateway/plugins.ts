import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { errorBody, gatehouseError } from '../errors.js';
import type { GatehouseContext } from './context.js';

/** Records the operation name on the HTTP request so the access log can show it. */
export function useOperationName(): ApolloServerPlugin<GatehouseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName }) {
          contextValue.request.operationName = operationName ?? null;
        },
      };
    },
  };
}

/**
 * Settles which operation runs before the gateway plans it, so a bad operation name is the
 * client's 400 rather than an executor failure. Apollo Server itself refuses non-queries over
 * GET with 405; that answer is reworded here to carry the gateway's own code.
 */
export function useOperationResolution(): ApolloServerPlugin<GatehouseContext> {
  return {
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
          const error = errorBody('METHOD_NOT_ALLOWED', `Only queries can be sent with ${method}; use POST.`);
          response.body.singleResult.errors = error.errors;
        },
      };
    },
  };
}

/**
 * When no data at all came back (every root field null) because subgraphs were unreachable, answer 502 rather than 200,
 * so load balancers and clients see the failure; partial data keeps 200.
 */
export function useSubgraphFailureStatus(): ApolloServerPlugin<GatehouseContext> {
  const unavailable = new Set([
    'SUBGRAPH_UNAVAILABLE',
    'SUBGRAPH_BAD_RESPONSE',
    'SUBGRAPH_RESPONSE_TOO_LARGE',
  ]);
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const gotNothing =
            data === null || data === undefined || Object.values(data).every((value) => value === null);
          if (!gotNothing || !errors?.length) return;
          if (errors.every((error) => unavailable.has(String(error.extensions?.code))))
            response.http.status = 502;
        },
      };
    },
  };
}

/**
 * The plugins, in the order they run. Later issues add auth, traffic, security, cache and
 * telemetry here; a feature that is off is simply not in the list.
 */
export function gatehousePlugins(
  authorization: ApolloServerPlugin<GatehouseContext>,
): ApolloServerPlugin<GatehouseContext>[] {
  return [
    // Apollo's default landing page loads from a CDN; the gateway serves its own sandbox.
    ApolloServerPluginLandingPageDisabled(),
    useOperationResolution(),
    authorization,
    useOperationName(),
    // Last: it judges the final response, after authorization put its nulls and errors in.
    useSubgraphFailureStatus(),
  ];
}

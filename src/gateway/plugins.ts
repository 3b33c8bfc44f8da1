import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
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
 * When no data at all came back because subgraphs were unreachable, answer 502 rather than 200,
 * so load balancers and clients see the failure; partial data keeps 200.
 */
export function useSubgraphFailureStatus(): ApolloServerPlugin<GatehouseContext> {
  const unavailable = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_BAD_RESPONSE']);
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== null || !errors?.length) return;
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
export function gatehousePlugins(): ApolloServerPlugin<GatehouseContext>[] {
  return [
    // Apollo's default landing page loads from a CDN; the gateway serves its own sandbox.
    ApolloServerPluginLandingPageDisabled(),
    useOperationName(),
    useSubgraphFailureStatus(),
  ];
}

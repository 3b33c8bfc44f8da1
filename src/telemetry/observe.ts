import type { GraphQLError } from 'graphql';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { RequestObservation } from '../request-context.js';
import type { HookWatcher } from './plugin-hooks.js';

/**
 * The observation of each request that the access log, metrics and the dashboard read after the
 * response. {@link useObservationStart} opens it first in the plugin list; {@link useRequestObservation}
 * near the end fills in the operation, its errors and the subgraph calls; {@link noteRefusals} says
 * which plugin refused.
 */
export function useObservationStart(): GatewayPlugin {
  return {
    name: 'observe-request',
    edge: {
      onRequest(request, _reply, done) {
        request.observation = { errorCodes: [], subgraphCalls: [] };
        done();
      },
    },
  };
}

/** Names the plugin that refused a request: the one whose hook sent the reply or threw a coded error. */
export const noteRefusals: HookWatcher = (plugin, _layer, request) => {
  const observation = request.observation;
  if (observation === undefined || observation.refusal !== undefined) return undefined;
  return (reply, error) => {
    if (observation.refusal !== undefined) return;
    const code = codeOf(error) ?? (reply?.sent ? observation.errorCodes.at(-1) : undefined);
    if (code !== undefined) observation.refusal = { plugin, code };
  };
};

/** Fills the observation with the operation, the codes of the errors sent and every subgraph call. */
export function useRequestObservation(): GatewayPlugin {
  return {
    name: 'observe-operation',
    operation: {
      async requestDidStart() {
        return {
          async didResolveOperation({ contextValue, operationName, operation, queryHash }) {
            const observation = contextValue.request.observation;
            if (observation === undefined) return;
            observation.operationName = operationName ?? undefined;
            observation.operationHash = queryHash;
            observation.operationType = operation?.operation;
          },
          async willSendResponse({ contextValue, response, request, queryHash }) {
            const observation = contextValue.request.observation;
            if (observation === undefined) return;
            observation.operationName ??= request.operationName ?? undefined;
            observation.operationHash ??= queryHash;
            if (response.body.kind !== 'single') return;
            for (const error of response.body.singleResult.errors ?? []) {
              const code = error.extensions?.code;
              if (typeof code === 'string' && !observation.errorCodes.includes(code))
                observation.errorCodes.push(code);
            }
          },
        };
      },
    },
    async subgraphCall(call, next) {
      const observation: RequestObservation | undefined = call.context.request.observation;
      if (observation === undefined) return next(call);
      const started = performance.now();
      try {
        const response = await next(call);
        observation.subgraphCalls.push({ subgraph: call.subgraph, durationMs: performance.now() - started });
        return response;
      } catch (error) {
        observation.subgraphCalls.push({
          subgraph: call.subgraph,
          durationMs: performance.now() - started,
          errorCode: codeOf(error) ?? 'SUBGRAPH_UNAVAILABLE',
        });
        throw error;
      }
    },
  };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as Partial<GraphQLError> | undefined)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

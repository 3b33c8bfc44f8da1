import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { CONNECTOR_HTTP_EXTENSION } from '../connectors/http-client.js';
import { failureOf, type SubgraphResponse } from '../execution/transport/subgraph-call.js';
import type { GatewayPlugin, SubgraphCall } from '../pipeline/plugin.js';
import { bounded, requestedOperationName } from './request-fields.js';

/** REST connectors named in one line at most; a batch can fail for many. */
const MAX_CONNECTORS = 10;

/**
 * A `warn` line for every failed subgraph call, naming the subgraph, the error code, why it failed
 * and the operation, with the request id the client's access-log line carries. It sits after
 * de-duplication and before retries: a call shared by several requests is logged once, and a
 * retried call once, after its last try. Calls refused by an open circuit breaker are logged at
 * `debug`: the breaker's opening was a `warn` line, and a line per refused call would repeat it.
 *
 * A REST connector subgraph answers even when its REST services fail (their failures are field
 * errors), so its answers are read for the codes that say a service is down or broken; a 4xx is
 * the service's answer about the request, not a failure.
 */
export function useSubgraphFailureLog(): GatewayPlugin {
  return {
    name: 'subgraph-failure-log',
    subgraphCall(call, next) {
      const started = performance.now();
      const failed = (error: unknown): never => {
        logFailure(call, error, performance.now() - started);
        throw error;
      };
      if (call.readsClientRequest !== true) return next(call).catch(failed);
      return next(call).then((response) => {
        if (response.errors?.length) logConnectorFailures(call, response, performance.now() - started);
        return response;
      }, failed);
    },
  };
}

function logFailure(call: SubgraphCall, error: unknown, durationMs: number): void {
  const failure = failureOf(error);
  const code = (error as Partial<GraphQLError> | undefined)?.extensions?.code;
  const known = typeof code === 'string';
  const fields = {
    ...baseFields(call, durationMs),
    code: known ? code : 'INTERNAL_SERVER_ERROR',
    failure: failure?.kind,
    subgraphStatus: failure !== undefined && 'status' in failure ? failure.status : undefined,
    reason: known ? (error as GraphQLError).message : undefined,
    // Not a coded error: a bug, whose stack belongs in the log (never in the client's answer).
    err: known ? undefined : error,
  };
  const message = `subgraph "${call.subgraph}" failed: ${fields.code}`;
  if (failure?.kind === 'circuit-open') call.context.request.log.debug(fields, message);
  else call.context.request.log.warn(fields, message);
}

function logConnectorFailures(call: SubgraphCall, response: SubgraphResponse, durationMs: number): void {
  const failures = (response.errors ?? []).filter(isConnectorFailure);
  const first = failures[0];
  if (first === undefined) return;
  const connectors = new Map<string, { connector: string; code: unknown; status?: unknown }>();
  for (const { extensions } of failures) {
    const connector = String((extensions?.connector as { coordinate?: unknown } | undefined)?.coordinate);
    if (connectors.size >= MAX_CONNECTORS || connectors.has(connector)) continue;
    const status = (extensions?.[CONNECTOR_HTTP_EXTENSION] as { status?: unknown } | undefined)?.status;
    connectors.set(connector, { connector, code: extensions?.code, status });
  }
  const code = String(first.extensions?.code);
  call.context.request.log.warn(
    { ...baseFields(call, durationMs), code, reason: first.message, connectors: [...connectors.values()] },
    `subgraph "${call.subgraph}" failed: ${code}`,
  );
}

/** Connector errors that say a REST service is down or broken. */
function isConnectorFailure({ extensions }: GraphQLFormattedError): boolean {
  switch (extensions?.code) {
    case 'CONNECTOR_UNAVAILABLE':
    case 'CONNECTOR_TIMEOUT':
    case 'CONNECTOR_BAD_RESPONSE':
    case 'CONNECTOR_RESPONSE_TOO_LARGE':
      return true;
    case 'CONNECTOR_HTTP_ERROR': {
      const status = (extensions[CONNECTOR_HTTP_EXTENSION] as { status?: unknown } | undefined)?.status;
      return typeof status === 'number' && status >= 500;
    }
    default:
      return false;
  }
}

function baseFields(call: SubgraphCall, durationMs: number) {
  const { request } = call.context;
  return {
    subgraph: call.subgraph,
    operationName: bounded(request.observation?.operationName ?? requestedOperationName(request)),
    durationMs: Math.round(durationMs * 100) / 100,
  };
}

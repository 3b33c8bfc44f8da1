import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { SubgraphCallObservation } from '../request-context.js';
import { bounded, pathOf, requestedOperationName, requestVariables, traceIdOf } from './request-fields.js';

export interface AccessLogOptions {
  /** Log the caller's principal subject (`logging.subject`). */
  readonly subject: boolean;
  /** Add the request's headers and variables (debug level); the logger redacts them. */
  readonly details: boolean;
}

/**
 * One JSON access-log line per request, after the response is sent, read from the request's
 * observation: status, duration, client IP (behind `server.trustedProxies`) and name, principal
 * subject, operation name and hash, error codes, the subgraphs called with their durations, the
 * refusing plugin, and the trace id. The request id is in every line of the request already
 * (`requestId`). The path is logged without its query string, which may carry variables. It runs
 * on every request: no work beyond building the one object, and fields that do not apply are
 * left out rather than written empty.
 */
export function useAccessLog(options: AccessLogOptions): GatewayPlugin {
  return {
    name: 'access-log',
    edge: {
      // A callback rather than a promise: it runs on every request.
      onResponse(request, reply, done) {
        request.log.info(accessLine(request, reply, options), 'request');
        done();
      },
    },
  };
}

function accessLine(request: FastifyRequest, reply: FastifyReply, options: AccessLogOptions) {
  const { headers, observation } = request;
  const line = {
    method: request.method,
    path: pathOf(request.url),
    status: reply.statusCode,
    durationMs: round(reply.elapsedTime),
    clientIp: request.ip,
    clientName: bounded(headers['apollographql-client-name']),
    clientVersion: bounded(headers['apollographql-client-version']),
    subject: options.subject ? subjectOf(request.principal) : undefined,
    traceId: observation?.traceId ?? traceIdOf(headers.traceparent),
    operationName: bounded(observation?.operationName ?? requestedOperationName(request)),
    operationHash: observation?.operationHash,
    errorCodes: observation?.errorCodes.length ? observation.errorCodes : undefined,
    subgraphs: observation?.subgraphCalls.length ? observation.subgraphCalls.map(subgraphCall) : undefined,
    refusal: observation?.refusal,
  };
  if (!options.details) return line;
  return { ...line, headers, variables: requestVariables(request) };
}

function subgraphCall(call: SubgraphCallObservation) {
  return {
    subgraph: call.subgraph,
    durationMs: round(call.durationMs),
    status: call.status,
    errorCode: call.errorCode,
    deduplicated: call.deduplicated,
  };
}

function subjectOf(principal: Principal | undefined): string | undefined {
  return principal?.kind === 'authenticated' ? bounded(principal.subject) : undefined;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

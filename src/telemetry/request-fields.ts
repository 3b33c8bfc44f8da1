import type { FastifyRequest } from 'fastify';

/**
 * What a log line takes from the client's request as the client sent it. Every value a client
 * chooses is bounded before it is written.
 */

const MAX_NAME = 128;
const MAX_PATH = 1024;
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}(-[^]*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** A header value or a name a client chose, cut to 128 characters; undefined unless a string. */
export function bounded(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > MAX_NAME ? value.slice(0, MAX_NAME) : value;
}

/** A request URL's path, without the query string (a GET carries its variables there), cut to 1 KiB. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return path.length > MAX_PATH ? path.slice(0, MAX_PATH) : path;
}

/** The GraphQL parameters of a request: the JSON body of a POST, the query string of a GET. */
function graphqlParams(request: FastifyRequest): Record<string, unknown> | undefined {
  const params = request.method === 'GET' ? request.query : request.body;
  return typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : undefined;
}

/** The operation name the client asked for (a request refused before GraphQL saw it has no other). */
export function requestedOperationName(request: FastifyRequest): string | undefined {
  return bounded(graphqlParams(request)?.operationName);
}

/** The variables the client sent: an object in a POST body, JSON text in a GET query string. */
export function requestVariables(request: FastifyRequest): unknown {
  const variables = graphqlParams(request)?.variables;
  if (typeof variables !== 'string') return variables;
  try {
    return JSON.parse(variables) as unknown;
  } catch {
    return '[not JSON]';
  }
}

/**
 * The trace id of a valid W3C `traceparent` (version 00, or a later one read as 00 reads it), else
 * undefined: all-zero ids and version ff are invalid.
 */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string' || traceparent.length > 512) return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, version, traceId, spanId, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  return traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID ? undefined : traceId;
}

import type { FastifyRequest } from 'fastify';

/** The per-request context every plugin and data source sees. */
export interface GatehouseContext {
  request: FastifyRequest;
}

/** One subgraph call made for a client request, as telemetry saw it. */
export interface SubgraphCallObservation {
  readonly subgraph: string;
  /** From the call leaving the gateway's hooks to its answer (or failure), in milliseconds. */
  readonly durationMs: number;
  /** The subgraph's HTTP status; absent when none came back (connection failure, REST connector). */
  readonly status?: number;
  /** The error code when the call failed (`SUBGRAPH_UNAVAILABLE`, …); absent when it succeeded. */
  readonly errorCode?: string;
  /** True when the answer was shared from another request's identical in-flight call. */
  readonly deduplicated?: boolean;
}

/**
 * What telemetry observes of one HTTP request, filled as it goes through the pipeline and read
 * once after the response (access log, metrics, dashboard). Present only when telemetry is on.
 */
export interface RequestObservation {
  operationName?: string | undefined;
  /** SHA-256 of the operation text (Apollo Server's query hash). */
  operationHash?: string | undefined;
  operationType?: 'query' | 'mutation' | 'subscription' | undefined;
  /** Whether Gatehouse's executor found the plan in its cache; absent when it did not plan. */
  planCache?: 'hit' | 'miss' | undefined;
  /** The `extensions.code` of every error sent to the client, in order, without duplicates. */
  readonly errorCodes: string[];
  readonly subgraphCalls: SubgraphCallObservation[];
  /** The W3C trace id the request is recorded under (tracing), or the one a client's `traceparent` carried. */
  traceId?: string | undefined;
  /** The plugin that refused the request, and with which code. */
  refusal?: { readonly plugin: string; readonly code: string } | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by telemetry at the start of the request when telemetry is on. */
    observation?: RequestObservation;
  }
}

/** Notes an error code sent to the client, when telemetry observes the request. */
export function noteErrorCode(request: FastifyRequest, code: string): void {
  const codes = request.observation?.errorCodes;
  if (codes !== undefined && !codes.includes(code)) codes.push(code);
}

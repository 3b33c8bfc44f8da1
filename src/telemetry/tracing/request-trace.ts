import { context, trace, type Context } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The OpenTelemetry context of the request's server span, when tracing records the request.
     * Fastify's hooks do not carry AsyncLocalStorage across reading the body, so the context travels
     * on the request, and the GraphQL handler runs the operation inside it (`runInRequestTrace`).
     */
    traceContext?: Context;
  }
}

/**
 * Runs `execute` inside the request's trace context, so that spans started with the active context
 * (`@apollo/gateway`'s, and the subgraph calls under them) nest under the request's span. Without
 * tracing, or for a request that is not recorded, it is a plain call.
 */
export function runInRequestTrace<T>(request: FastifyRequest, execute: () => T): T {
  const traced = recordedTrace(request);
  return traced === undefined ? execute() : context.with(traced, execute);
}

/** The request's trace context when its span is being recorded (sampled in); else undefined. */
export function recordedTrace(request: FastifyRequest | undefined): Context | undefined {
  const traced = request?.traceContext;
  return traced !== undefined && trace.getSpan(traced)?.isRecording() ? traced : undefined;
}

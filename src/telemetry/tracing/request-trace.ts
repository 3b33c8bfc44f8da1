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
 * tracing, it is a plain call.
 */
export function runInRequestTrace<T>(request: FastifyRequest, execute: () => T): T {
  const traced = request.traceContext;
  return traced === undefined ? execute() : context.with(traced, execute);
}

/** The request's trace context when its span is being recorded (sampled in); else undefined. */
export function recordedTrace(request: FastifyRequest | undefined): Context | undefined {
  const traced = request?.traceContext;
  return traced !== undefined && trace.getSpan(traced)?.isRecording() ? traced : undefined;
}

/**
 * The parent for a span of the request's: the active context when it belongs to the same trace
 * (Apollo's fetch span, Gatehouse's execute span, a subgraph fetch), else the request's own.
 */
export function parentIn(requestTrace: Context): Context {
  const active = context.active();
  if (active === requestTrace) return active;
  const activeTraceId = trace.getSpanContext(active)?.traceId;
  return activeTraceId !== undefined && activeTraceId === trace.getSpanContext(requestTrace)?.traceId
    ? active
    : requestTrace;
}

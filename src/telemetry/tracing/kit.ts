import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { GraphQLError } from 'graphql';
import type { TracingSettings } from './settings.js';

/** What every span maker of one gateway's tracing shares. */
export interface TraceKit {
  /** Gatehouse's own spans come from here, with explicit parents. */
  readonly tracer: Tracer;
  /** The gateway's provider, where the global router sends Apollo's spans of its requests. */
  readonly provider: TracerProvider;
  /** W3C `traceparent`/`tracestate`, in and out. */
  readonly propagator: TextMapPropagator;
  readonly settings: TracingSettings;
  /** What is kept of each recorded request while it runs. */
  readonly requests: WeakMap<FastifyRequest, RequestTrace>;
}

/**
 * The spans of a request that others nest under. They are passed explicitly rather than through
 * the active context: AsyncLocalStorage before Node 24 taxes every promise of the process, so the
 * active context is used only where `@apollo/gateway` makes spans (see `installGlobalTracing`).
 */
export interface RequestTrace {
  /** `graphql.operation.*`, for the plan and execute spans too. */
  operation?: Attributes;
  /** The execute span's context while Gatehouse's executor runs the plan. */
  executing?: Context | undefined;
  /** The fetch span of each subgraph call in flight, by subgraph: the parent of its connector calls. */
  readonly fetching: Map<string, Context>;
}

export function requestTrace(kit: TraceKit, request: FastifyRequest): RequestTrace {
  let state = kit.requests.get(request);
  if (state === undefined) kit.requests.set(request, (state = { fetching: new Map() }));
  return state;
}

/**
 * The parent for a span of the request's: the active context when it belongs to the same trace
 * (Apollo's fetch span, where Apollo's executor runs), else the execute span while Gatehouse's
 * executor runs, else the request's own.
 */
export function parentFor(kit: TraceKit, request: FastifyRequest, traced: Context): Context {
  const active = context.active();
  if (active === traced) return active;
  const activeTraceId = trace.getSpanContext(active)?.traceId;
  if (activeTraceId !== undefined && activeTraceId === trace.getSpanContext(traced)?.traceId) return active;
  return kit.requests.get(request)?.executing ?? traced;
}

/** The `extensions.code` of a GraphQL error; undefined for anything else. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as Partial<GraphQLError> | undefined)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Marks a span failed, with the error's code (or kind) as `error.type` and its message. */
export function failSpan(span: Span, error: unknown, type?: string): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute('error.type', type ?? codeOf(error) ?? (error instanceof Error ? error.name : 'Error'));
}

/** A client-supplied string, cut to a length a trace backend takes without complaint. */
export function bounded(text: string, max = 256): string {
  return text.length <= max ? text : text.slice(0, max);
}

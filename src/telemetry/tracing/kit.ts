import {
  SpanStatusCode,
  type Span,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
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

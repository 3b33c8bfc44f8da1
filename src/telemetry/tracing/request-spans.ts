import type { ApolloServerPlugin } from '@apollo/server';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionInstrument } from '../../execution/instrument.js';
import type { GatehouseContext } from '../../request-context.js';
import type { HookWatcher } from '../plugin-hooks.js';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_CODES,
  ATTR_ERROR_TYPE,
  ATTR_GRAPHQL_DOCUMENT,
  ATTR_GRAPHQL_OPERATION_NAME,
  ATTR_GRAPHQL_OPERATION_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_PLAN_CACHE,
  ATTR_PLUGIN_HOOK,
  ATTR_PLUGIN_NAME,
  ATTR_REFUSAL_CODE,
  ATTR_REFUSAL_PLUGIN,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from './attributes.js';
import { bounded, codeOf, failSpan, requestTrace, type TraceKit } from './kit.js';
import { recordedTrace } from './request-trace.js';
import { routeTo } from './global-tracing.js';

/** Only GraphQL requests are traced: not health checks, metric scrapes, the UI or dashboard polls. */
const TRACED_ROUTE = '/graphql';

/** The tracing plugin's name; its own hooks get no spans. */
export const TRACING_PLUGIN = 'tracing';

/**
 * Plugins whose hooks only watch the request (telemetry's own) and never refuse it: a span for each
 * of their hooks would cost as much as any other and say nothing.
 */
const OBSERVERS: ReadonlySet<string> = new Set([
  TRACING_PLUGIN,
  'observe-request',
  'observe-operation',
  'usage-reporting',
]);

/**
 * The spans of a request up to its execution: the HTTP server span (from the first edge hook to the
 * response), one per hook of the plugins that can refuse, GraphQL parse and validate, and Gatehouse's
 * plan and execute.
 */
export function requestSpans(kit: TraceKit) {
  const { tracer, settings } = kit;

  /**
   * The request's trace context, the server span started on first call (the first watched edge hook,
   * or the tracing plugin's own `onRequest`). Continues the client's trace only when trusted.
   */
  function open(request: FastifyRequest): Context | undefined {
    const opened = request.traceContext;
    if (opened !== undefined) return opened;
    if (request.routeOptions.url !== TRACED_ROUTE) return undefined;
    let parent = routeTo(ROOT_CONTEXT, kit.provider);
    if (settings.trustIncomingTraceparent)
      parent = kit.propagator.extract(parent, request.headers, defaultTextMapGetter);
    // What a sampler may look at goes in at the start; the rest only into a span that is recorded.
    const span = tracer.startSpan(
      `${request.method} ${TRACED_ROUTE}`,
      { kind: SpanKind.SERVER, attributes: samplingAttributes(request) },
      parent,
    );
    if (span.isRecording()) span.setAttributes(serverAttributes(request));
    const traced = trace.setSpan(parent, span);
    request.traceContext = traced;
    return traced;
  }

  /** What the access log and metrics read: the trace id, once the observation exists. */
  function noteTraceId(request: FastifyRequest): void {
    const observation = request.observation;
    if (observation === undefined || observation.traceId !== undefined) return;
    const traced = recordedTrace(request);
    if (traced !== undefined) observation.traceId = trace.getSpanContext(traced)?.traceId;
  }

  function close(request: FastifyRequest, reply: FastifyReply): void {
    const traced = recordedTrace(request);
    const span = traced && trace.getSpan(traced);
    if (span === undefined) return;
    const status = reply.statusCode;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    const observation = request.observation;
    if (observation !== undefined && observation.errorCodes.length > 0)
      span.setAttribute(ATTR_ERROR_CODES, [...observation.errorCodes]);
    if (observation?.refusal !== undefined) {
      span.setAttribute(ATTR_REFUSAL_PLUGIN, observation.refusal.plugin);
      span.setAttribute(ATTR_REFUSAL_CODE, observation.refusal.code);
    }
    // A server span fails on 5xx only: a 4xx is the client's (OTel HTTP conventions).
    if (status >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
    }
    span.end();
  }

  const watchHook: HookWatcher = (plugin, layer, request) => {
    open(request);
    if (OBSERVERS.has(plugin)) return undefined;
    const traced = recordedTrace(request);
    if (traced === undefined) return undefined;
    const span = tracer.startSpan(
      `gatehouse.plugin ${plugin}`,
      { attributes: { [ATTR_PLUGIN_NAME]: plugin, [ATTR_PLUGIN_HOOK]: layer } },
      traced,
    );
    return (reply, error) => {
      const code = codeOf(error) ?? (reply?.sent ? request.observation?.errorCodes.at(-1) : undefined);
      if (code !== undefined) span.setAttribute(ATTR_REFUSAL_CODE, code);
      else if (reply?.sent) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      // A refusal is the plugin doing its job; an error without a code is not.
      if (error !== undefined && error !== null && codeOf(error) === undefined) failSpan(span, error);
      span.end();
      noteTraceId(request);
    };
  };

  const operation: ApolloServerPlugin<GatehouseContext> = {
    async requestDidStart({ contextValue }) {
      const request = contextValue.request;
      const traced = recordedTrace(request);
      if (traced === undefined) return;
      return {
        async parsingDidStart() {
          const span = tracer.startSpan('graphql.parse', {}, traced);
          return async (error) => {
            if (error) failSpan(span, error, 'GRAPHQL_PARSE_FAILED');
            span.end();
          };
        },
        async validationDidStart() {
          const span = tracer.startSpan('graphql.validate', {}, traced);
          return async (errors) => {
            const first = errors?.[0];
            if (first) failSpan(span, first, 'GRAPHQL_VALIDATION_FAILED');
            span.end();
          };
        },
        async didResolveOperation({ operationName, operation: resolved, source }) {
          const attributes: Attributes = {};
          if (operationName) attributes[ATTR_GRAPHQL_OPERATION_NAME] = bounded(operationName);
          if (resolved) attributes[ATTR_GRAPHQL_OPERATION_TYPE] = resolved.operation;
          requestTrace(kit, request).operation = attributes;
          const span = trace.getSpan(traced);
          span?.setAttributes(attributes);
          if (settings.includeDocument) span?.setAttribute(ATTR_GRAPHQL_DOCUMENT, source);
        },
      };
    },
  };

  const instrument: ExecutionInstrument = {
    plan({ request }) {
      const traced = recordedTrace(request);
      if (traced === undefined) return undefined;
      const span = tracer.startSpan('gatehouse.plan', { attributes: operationOf(request) }, traced);
      return (cache) => {
        span.setAttribute(ATTR_PLAN_CACHE, cache);
        span.end();
      };
    },
    execute({ request }, run) {
      const traced = recordedTrace(request);
      if (traced === undefined) return run();
      const span = tracer.startSpan('gatehouse.execute', { attributes: operationOf(request) }, traced);
      const state = requestTrace(kit, request);
      const executing = trace.setSpan(traced, span);
      state.executing = executing;
      const done = () => {
        if (state.executing === executing) state.executing = undefined;
        span.end();
      };
      return context.with(executing, run).then(
        (result) => {
          done();
          return result;
        },
        (error: unknown) => {
          failSpan(span, error);
          done();
          throw error;
        },
      );
    },
  };

  const operationOf = (request: FastifyRequest): Attributes => kit.requests.get(request)?.operation ?? {};

  return { open, close, noteTraceId, watchHook, operation, instrument };
}

/** The server span's attributes known before it starts, for the sampler (OTel HTTP conventions). */
function samplingAttributes(request: FastifyRequest): Attributes {
  const at = request.url.indexOf('?');
  return {
    [ATTR_HTTP_REQUEST_METHOD]: request.method,
    [ATTR_URL_PATH]: at < 0 ? request.url : request.url.slice(0, at),
    [ATTR_HTTP_ROUTE]: TRACED_ROUTE,
  };
}

function serverAttributes(request: FastifyRequest): Attributes {
  const attributes: Attributes = {
    [ATTR_URL_SCHEME]: request.protocol,
    [ATTR_CLIENT_ADDRESS]: request.ip,
    [ATTR_NETWORK_PROTOCOL_VERSION]: request.raw.httpVersion,
    [ATTR_SERVER_ADDRESS]: bounded(request.hostname),
  };
  if (request.port) attributes[ATTR_SERVER_PORT] = request.port;
  const agent = request.headers['user-agent'];
  if (typeof agent === 'string') attributes[ATTR_USER_AGENT_ORIGINAL] = bounded(agent, 512);
  return attributes;
}

import {
  context,
  defaultTextMapSetter,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { ConnectorCallInfo, HttpCallWatch } from '../../execution/instrument.js';
import { exchangeOf } from '../../execution/transport/http-transport.js';
import {
  failureOf,
  type SubgraphCall,
  type SubgraphCallHook,
  type SubgraphCallNext,
  type SubgraphResponse,
} from '../../execution/transport/subgraph-call.js';
import {
  ATTR_CONNECTOR_ID,
  ATTR_ERROR_TYPE,
  ATTR_FETCH_DEDUPLICATED,
  ATTR_FETCH_ENTITIES,
  ATTR_FETCH_ERRORS,
  ATTR_FETCH_MERGED,
  ATTR_FETCH_PLAN_FETCHES,
  ATTR_GRAPHQL_OPERATION_NAME,
  ATTR_GRAPHQL_OPERATION_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SUBGRAPH_NAME,
  ATTR_URL_FULL,
} from './attributes.js';
import { codeOf, failSpan, parentFor, requestTrace, type TraceKit } from './kit.js';

// Both executors' subgraph operations start with their type and name: `{"query":"query Name…`.
const OPERATION_NAME = /^\{"query":"\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/**
 * The spans of the calls a request makes: one per subgraph fetch (a client span over HTTP; an
 * internal one for a REST connector subgraph, whose HTTP calls are client spans of their own), and
 * one for a fetch answered by another request's identical fetch. W3C trace context goes out with
 * every HTTP call. The subgraph-call hook is the innermost of the list, so that headers set here
 * are not part of what de-duplication compares, and each retry is a span of its own.
 */
export function fetchSpans(kit: TraceKit) {
  const { tracer, propagator } = kit;

  const subgraphCall: SubgraphCallHook = (call, next) => {
    const { request } = call.context;
    const traced = request.traceContext;
    if (traced === undefined) return next(call);
    const parent = parentFor(kit, request, traced);
    const inProcess = call.readsClientRequest === true;
    if (!trace.getSpan(parent)?.isRecording()) {
      // Not sampled: no span, but the subgraph still learns the trace and that it is not sampled.
      return inProcess ? next(call) : next({ ...call, headers: withTraceContext(call.headers, parent) });
    }
    return recordFetch(call, next, parent, inProcess);
  };

  async function recordFetch(
    call: SubgraphCall,
    next: SubgraphCallNext,
    parent: Context,
    inProcess: boolean,
  ): Promise<SubgraphResponse> {
    const span = tracer.startSpan(
      `gatehouse.fetch ${call.subgraph}`,
      { kind: inProcess ? SpanKind.INTERNAL : SpanKind.CLIENT, attributes: callAttributes(call, inProcess) },
      parent,
    );
    const traced = trace.setSpan(parent, span);
    const sent = inProcess ? call : { ...call, headers: withTraceContext(call.headers, traced) };
    // An in-process (connector) subgraph's HTTP calls nest under this span.
    const fetching = inProcess ? requestTrace(kit, call.context.request).fetching : undefined;
    fetching?.set(call.subgraph, traced);
    try {
      const response = await context.with(traced, () => next(sent));
      noteResponse(span, response);
      return response;
    } catch (error) {
      const failure = failureOf(error);
      if (failure !== undefined && 'status' in failure)
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, failure.status);
      failSpan(span, error, codeOf(error) ?? failure?.kind);
      throw error;
    } finally {
      if (fetching?.get(call.subgraph) === traced) fetching.delete(call.subgraph);
      span.end();
    }
  }

  /** A call de-duplication answers from another request's: the waiting gets a span, so marked. */
  function sharedCall(call: SubgraphCall): ((error: unknown) => void) | undefined {
    const { request } = call.context;
    const traced = request.traceContext;
    if (traced === undefined) return undefined;
    const parent = parentFor(kit, request, traced);
    if (!trace.getSpan(parent)?.isRecording()) return undefined;
    const attributes = callAttributes(call, false);
    attributes[ATTR_FETCH_DEDUPLICATED] = true;
    const span = tracer.startSpan(`gatehouse.fetch ${call.subgraph}`, { attributes }, parent);
    return (error) => {
      if (error !== undefined) failSpan(span, error);
      span.end();
    };
  }

  function connectorCall(call: ConnectorCallInfo): HttpCallWatch | undefined {
    const parent = connectorParent(call);
    const parentSpan = parent && trace.getSpan(parent);
    if (parent === undefined || parentSpan === undefined) return undefined;
    if (!parentSpan.isRecording()) return { headers: withTraceContext({}, parent), end() {} };
    const port = call.url.port === '' ? (call.url.protocol === 'https:' ? 443 : 80) : Number(call.url.port);
    const span = tracer.startSpan(
      `${call.method} ${call.connector}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: call.method,
          // Without the query string, which can carry keys from `$config`.
          [ATTR_URL_FULL]: `${call.url.origin}${call.url.pathname}`,
          [ATTR_SERVER_ADDRESS]: call.url.hostname,
          [ATTR_SERVER_PORT]: port,
          [ATTR_CONNECTOR_ID]: call.connector,
          [ATTR_SUBGRAPH_NAME]: call.subgraph,
        },
      },
      parent,
    );
    return {
      headers: withTraceContext({}, trace.setSpan(parent, span)),
      end(outcome) {
        if ('error' in outcome) {
          failSpan(span, outcome.error);
        } else {
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
          span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, outcome.bytes);
          if (outcome.status >= 400) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.setAttribute(ATTR_ERROR_TYPE, String(outcome.status));
          }
        }
        span.end();
      },
    };
  }

  /** The fetch span of the connector subgraph's call, else what the request's spans nest under. */
  function connectorParent({ client, subgraph }: ConnectorCallInfo): Context | undefined {
    const request = client?.request;
    const traced = request?.traceContext;
    if (request === undefined || traced === undefined) return undefined;
    const active = context.active();
    if (trace.getSpanContext(active)?.traceId === trace.getSpanContext(traced)?.traceId) return active;
    return kit.requests.get(request)?.fetching.get(subgraph) ?? parentFor(kit, request, traced);
  }

  function withTraceContext(
    headers: Readonly<Record<string, string>>,
    traced: Parameters<typeof propagator.inject>[0],
  ): Record<string, string> {
    const carrier: Record<string, string> = { ...headers };
    propagator.inject(traced, carrier, defaultTextMapSetter);
    return carrier;
  }

  return { subgraphCall, sharedCall, connectorCall };
}

function callAttributes(call: SubgraphCall, inProcess: boolean): Attributes {
  const attributes: Attributes = {
    [ATTR_SUBGRAPH_NAME]: call.subgraph,
    [ATTR_GRAPHQL_OPERATION_TYPE]: call.kind,
  };
  if (!inProcess) attributes[ATTR_HTTP_REQUEST_METHOD] = 'POST';
  const name = OPERATION_NAME.exec(call.body)?.[1];
  if (name !== undefined) attributes[ATTR_GRAPHQL_OPERATION_NAME] = name;
  if (call.fetches !== undefined && call.fetches > 1) {
    attributes[ATTR_FETCH_MERGED] = true;
    attributes[ATTR_FETCH_PLAN_FETCHES] = call.fetches;
  }
  return attributes;
}

function noteResponse(span: ReturnType<TraceKit['tracer']['startSpan']>, response: SubgraphResponse): void {
  const exchange = exchangeOf(response);
  if (exchange !== undefined) {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, exchange.status);
    span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, exchange.bytes);
    if (exchange.status >= 400) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, String(exchange.status));
    }
  }
  const entities = entityCount(response.data);
  if (entities !== undefined) span.setAttribute(ATTR_FETCH_ENTITIES, entities);
  if (response.errors !== undefined && response.errors.length > 0)
    span.setAttribute(ATTR_FETCH_ERRORS, response.errors.length);
}

/**
 * The entities in an answer: `_entities`, or every aliased `…_entities` of a merged fetch; undefined
 * for a fetch of root fields.
 */
function entityCount(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  let count: number | undefined;
  for (const key in data) {
    const value = (data as Record<string, unknown>)[key];
    if (key.endsWith('_entities') && Array.isArray(value)) count = (count ?? 0) + value.length;
  }
  return count;
}

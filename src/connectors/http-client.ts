import type { GraphQLError } from 'graphql';
import { errors as undiciErrors, type Agent } from 'undici';
import { gatehouseError } from '../errors.js';
import { describeNetworkError } from '../network-error.js';
import { ResponseTooLarge, readUndiciBody } from '../read-limited.js';
import type { ExecutionInstrument } from '../execution/instrument.js';
import type { GatehouseContext } from '../request-context.js';
import type { HttpMethod } from './directive-args.js';

export interface ConnectorRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** JSON text. */
  body?: string;
}

export interface ConnectorResponse {
  status: number;
  /** The parsed JSON body; null for an empty body. */
  json: unknown;
}

/** Which connector a request belongs to, and how much of a failure to tell the client. */
export interface RequestLabel {
  connector: string;
  subgraph: string;
  timeoutMs: number;
  /** Largest response body read; past it the connection is closed (CONNECTOR_RESPONSE_TOO_LARGE). */
  maxResponseBytes: number;
  /** Add the URL and the start of the body to errors (stage dev with `connectors.debug`). */
  debug: boolean;
  /** The client request it is made for (telemetry). */
  client?: GatehouseContext | undefined;
}

const DEBUG_BODY_CHARS = 2048;

/**
 * Where a connector error carries the REST status until it reaches the client, who sees it as
 * `extensions.http` (Apollo Router's shape). Apollo Server would take an `http` extension as the
 * status of the whole response, and a partial result must stay HTTP 200.
 */
export const CONNECTOR_HTTP_EXTENSION = 'connectorHttp';

/**
 * Sends connector requests over keep-alive connections. Every failure becomes a GraphQL field error
 * with a CONNECTOR_* code and the connector's id; the backend's URL and body stay out of it unless
 * debugging is on.
 */
export class ConnectorHttpClient {
  /**
   * `agent` is the gateway's (HttpPools), closed when the gateway stops. `instrument` watches each
   * call (telemetry: a span, and the trace context in its headers).
   */
  constructor(
    private readonly agent: Agent,
    private readonly instrument?: ExecutionInstrument['connectorCall'],
  ) {}

  async send(request: ConnectorRequest, label: RequestLabel): Promise<ConnectorResponse> {
    let status: number;
    let text: string;
    try {
      const url = new URL(request.url);
      const watch = this.instrument?.({
        method: request.method,
        url,
        connector: label.connector,
        subgraph: label.subgraph,
        client: label.client,
      });
      let headers =
        request.body === undefined
          ? request.headers
          : { 'content-type': 'application/json', ...request.headers };
      if (watch?.headers) headers = { ...headers, ...watch.headers };
      try {
        const response = await this.agent.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          headersTimeout: label.timeoutMs,
          bodyTimeout: label.timeoutMs,
          signal: AbortSignal.timeout(label.timeoutMs),
        });
        status = response.statusCode;
        const body = await readUndiciBody(response, label.maxResponseBytes);
        watch?.end({ status, bytes: body.length });
        text = body.toString('utf8');
      } catch (error) {
        watch?.end({ error });
        throw error;
      }
    } catch (error) {
      throw failure(error, request, label);
    }
    const debug = label.debug
      ? { url: request.url, status, body: text.slice(0, DEBUG_BODY_CHARS) }
      : undefined;
    if (status >= 400) {
      throw connectorError(
        'CONNECTOR_HTTP_ERROR',
        `The REST service behind connector ${label.connector} answered HTTP ${status}.`,
        label,
        { [CONNECTOR_HTTP_EXTENSION]: { status } },
        debug,
      );
    }
    if (text.trim() === '') return { status, json: null };
    try {
      return { status, json: JSON.parse(text) };
    } catch {
      throw connectorError(
        'CONNECTOR_BAD_RESPONSE',
        `The REST service behind connector ${label.connector} answered HTTP ${status} with a body that is not JSON.`,
        label,
        { [CONNECTOR_HTTP_EXTENSION]: { status } },
        debug,
      );
    }
  }
}

function failure(error: unknown, request: ConnectorRequest, label: RequestLabel): GraphQLError {
  const problem = describeNetworkError(error);
  const debug = label.debug ? { url: request.url, problem } : undefined;
  if (error instanceof ResponseTooLarge) {
    return connectorError(
      'CONNECTOR_RESPONSE_TOO_LARGE',
      `The REST service behind connector ${label.connector} answered with more than ${label.maxResponseBytes} bytes.`,
      label,
      {},
      debug,
    );
  }
  if (problem === 'timed out' || error instanceof undiciErrors.HeadersTimeoutError) {
    return connectorError(
      'CONNECTOR_TIMEOUT',
      `The REST service behind connector ${label.connector} did not answer within ${label.timeoutMs} ms.`,
      label,
      {},
      debug,
    );
  }
  return connectorError(
    'CONNECTOR_UNAVAILABLE',
    `The REST service behind connector ${label.connector} could not be reached (${problem}).`,
    label,
    {},
    debug,
  );
}

function connectorError(
  code:
    | 'CONNECTOR_HTTP_ERROR'
    | 'CONNECTOR_TIMEOUT'
    | 'CONNECTOR_UNAVAILABLE'
    | 'CONNECTOR_BAD_RESPONSE'
    | 'CONNECTOR_RESPONSE_TOO_LARGE',
  message: string,
  label: RequestLabel,
  extensions: Record<string, unknown>,
  debug: Record<string, unknown> | undefined,
): GraphQLError {
  return gatehouseError(code, message, {
    ...extensions,
    connector: { coordinate: label.connector },
    service: label.subgraph,
    ...(debug ? { debug } : {}),
  });
}

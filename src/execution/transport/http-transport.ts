import type { GraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Dispatcher, Pool } from 'undici';
import { gatehouseError } from '../../errors.js';
import { describeNetworkError } from '../../network-error.js';
import { declaresMoreThan } from '../../read-limited.js';
import type { HttpPools } from './http-pools.js';
import { withFailure, type SubgraphTransport } from './subgraph-call.js';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

const REQUEST_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export interface SubgraphTransportOptions {
  timeoutMs: number;
  connections: number;
  /** Largest response body read; a longer one is cut off and becomes SUBGRAPH_RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
}

/** What came back over HTTP for a subgraph response: its status and body size. */
export interface SubgraphExchange {
  readonly status: number;
  /** Bytes of the response body as received. */
  readonly bytes: number;
}

const EXCHANGE = Symbol('gatehouse.subgraphExchange');

/**
 * The HTTP status and body size of a response this transport parsed, for telemetry; undefined for a
 * response that did not come over HTTP (a REST connector subgraph answers in process). It rides on
 * the response object as a hidden property, as `withFailure` does on errors, so that no hook or
 * executor has to pass it along.
 */
export function exchangeOf(response: unknown): SubgraphExchange | undefined {
  return typeof response === 'object' && response !== null
    ? ((response as Record<symbol, SubgraphExchange | undefined>)[EXCHANGE] ?? undefined)
    : undefined;
}

/**
 * The transport of a GraphQL subgraph: requests over a keep-alive undici pool. Failures become
 * GraphQL errors that name the subgraph but never its URL, so the gateway can still answer with the
 * other subgraphs' data.
 */
export class HttpSubgraphTransport implements SubgraphTransport {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    readonly name: string,
    url: string,
    private readonly options: SubgraphTransportOptions,
    pools: HttpPools,
  ) {
    const target = new URL(url);
    this.path = `${target.pathname}${target.search}`;
    this.pool = pools.subgraphPool(name, target, options);
  }

  send(call: { body: string; headers: Record<string, string> }): Promise<GatewayGraphQLResponse> {
    return this.fetchRaw(call.body, call.headers);
  }

  /**
   * Sends a GraphQL request body that is already JSON (`{"query":…,"variables":…}`), so that callers
   * which build bodies from cached, pre-serialised pieces need not build an object first. Failures are
   * mapped the same way. The response is read by a bare dispatch handler: no stream, no
   * AbortSignal, one buffer per response.
   */
  fetchRaw(body: string, headers?: Record<string, string>): Promise<GatewayGraphQLResponse> {
    return new Promise<GatewayGraphQLResponse>((resolve, reject) => {
      const exchange = new RawExchange(this, resolve, reject);
      try {
        this.pool.dispatch(
          {
            method: 'POST',
            path: this.path,
            headers: headers ? { ...headers, ...REQUEST_HEADERS } : REQUEST_HEADERS,
            body,
          },
          exchange,
        );
      } catch (error) {
        // undici reports most failures to the handler; anything thrown is mapped the same way.
        exchange.onResponseError(undefined, error as Error);
      }
    });
  }

  /** @internal The error for a request that failed before a complete response came back. */
  unavailable(error: unknown): GraphQLError {
    if (isTooLarge(error)) return this.tooLarge();
    const problem = describeNetworkError(error);
    const timedOut = problem === 'timed out';
    const reason = timedOut
      ? `did not answer within ${this.options.timeoutMs} ms`
      : `could not be reached (${problem})`;
    return withFailure(
      gatehouseError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.name}" ${reason}.`, {
        serviceName: this.name,
      }),
      timedOut ? { kind: 'timeout' } : { kind: 'connection' },
    );
  }

  /** @internal The error for a response longer than `maxResponseBytes`, declared or read. */
  tooLarge(): GraphQLError {
    return withFailure(
      gatehouseError(
        'SUBGRAPH_RESPONSE_TOO_LARGE',
        `Subgraph "${this.name}" answered with more than ${this.options.maxResponseBytes} bytes.`,
        { serviceName: this.name },
      ),
      { kind: 'too-large' },
    );
  }

  /** @internal The parsed response, or the error for a response that is not GraphQL. */
  toResponse(statusCode: number, text: string, bytes: number): GatewayGraphQLResponse | GraphQLError {
    const parsed = parseGraphQLResponse(text);
    if (parsed !== undefined) {
      const exchange: SubgraphExchange = { status: statusCode, bytes };
      Object.defineProperty(parsed, EXCHANGE, { value: exchange, enumerable: false });
      return parsed;
    }
    if (statusCode >= 500) {
      return withFailure(
        gatehouseError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.name}" answered HTTP ${statusCode}.`, {
          serviceName: this.name,
        }),
        { kind: 'status', status: statusCode },
      );
    }
    return withFailure(
      gatehouseError(
        'SUBGRAPH_BAD_RESPONSE',
        `Subgraph "${this.name}" answered HTTP ${statusCode} with a body that is not a GraphQL response.`,
        { serviceName: this.name },
      ),
      { kind: 'bad-response', status: statusCode },
    );
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  get maxResponseBytes(): number {
    return this.options.maxResponseBytes;
  }

  /** The pool is the gateway's (HttpPools), closed when the gateway stops. */
  async close(): Promise<void> {}
}

/** undici's error when a body outgrows the pool's `maxResponseSize`. */
function isTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
}

function parseGraphQLResponse(text: string): GatewayGraphQLResponse | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (data === undefined && errors === undefined) return undefined;
  if (errors !== undefined && !Array.isArray(errors)) return undefined;
  if (data !== undefined && data !== null && typeof data !== 'object') return undefined;
  return body as GatewayGraphQLResponse;
}

/**
 * One request and its response, as an undici dispatch handler: the body is gathered in buffers and
 * parsed once at the end. The whole exchange has one deadline, `timeoutMs`, as with an AbortSignal.
 * A body longer than `maxResponseBytes` is refused from its `content-length` before any of it is
 * read, or cut off by the pool (`maxResponseSize`) as it streams in: the connection is closed either
 * way, so the rest is never read.
 */
class RawExchange implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private statusCode = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly source: HttpSubgraphTransport,
    private readonly resolve: (response: GatewayGraphQLResponse) => void,
    private readonly reject: (error: GraphQLError) => void,
  ) {
    this.timer = setTimeout(() => this.timeOut(), source.timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Timed out while waiting for a connection.
    if (this.settled) controller.abort(timeoutError());
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.statusCode = statusCode;
    if (declaresMoreThan(headers['content-length'], this.source.maxResponseBytes)) this.refuse(controller);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const result = this.source.toResponse(this.statusCode, body.toString('utf8'), body.length);
    if (result instanceof GraphQLError) this.reject(result);
    else this.resolve(result);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(this.source.unavailable(error));
  }

  private refuse(controller: Dispatcher.DispatchController): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const error = this.source.tooLarge();
    controller.abort(error);
    this.reject(error);
  }

  private timeOut(): void {
    if (this.settled) return;
    this.settled = true;
    this.controller?.abort(timeoutError());
    this.reject(this.source.unavailable(timeoutError()));
  }
}

function timeoutError(): Error {
  const error = new Error('The operation was aborted due to timeout');
  error.name = 'TimeoutError';
  return error;
}

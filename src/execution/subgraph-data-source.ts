import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Pool } from 'undici';
import { gatehouseError } from '../errors.js';
import { describeNetworkError } from '../gateway/compose.js';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface SubgraphTransportOptions {
  timeoutMs: number;
  connections: number;
}

/**
 * Sends subgraph requests over a keep-alive undici pool. Failures become GraphQL errors that name
 * the subgraph but never its URL, so the gateway can still answer with the other subgraphs' data.
 */
export class SubgraphDataSource implements GraphQLDataSource {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    readonly name: string,
    url: string,
    private readonly options: SubgraphTransportOptions,
  ) {
    const target = new URL(url);
    this.path = `${target.pathname}${target.search}`;
    this.pool = new Pool(target.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async process({ request }: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const body = JSON.stringify({
      query: request.query,
      operationName: request.operationName,
      variables: request.variables,
    });
    let statusCode: number;
    let text: string;
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const problem = describeNetworkError(error);
      const reason =
        problem === 'timed out'
          ? `did not answer within ${this.options.timeoutMs} ms`
          : `could not be reached (${problem})`;
      throw gatehouseError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.name}" ${reason}.`, {
        serviceName: this.name,
      });
    }
    const parsed = parseGraphQLResponse(text);
    if (parsed === undefined) {
      if (statusCode >= 500) {
        throw gatehouseError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.name}" answered HTTP ${statusCode}.`, {
          serviceName: this.name,
        });
      }
      throw gatehouseError(
        'SUBGRAPH_BAD_RESPONSE',
        `Subgraph "${this.name}" answered HTTP ${statusCode} with a body that is not a GraphQL response.`,
        { serviceName: this.name },
      );
    }
    return parsed;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
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

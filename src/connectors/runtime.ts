import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FastifyBaseLogger } from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import { compileConnectorGraph } from './compile.js';
import { ConnectorHttpClient } from './http-client.js';
import { ConnectorSubgraph } from './local-subgraph.js';
import { requestStateFor, type ConnectorRequestState, type ForwardedHeaders } from './request-state.js';
import { extractConnectors } from './supergraph.js';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * The REST connector subgraphs of the served supergraph. `prepare` takes them out of each supergraph
 * before the gateway loads it; the gateway then asks `dataSource` for each subgraph's transport.
 */
export class ConnectorRuntime {
  private subgraphs = new Map<string, ConnectorSubgraph>();
  private readonly http: ConnectorHttpClient;

  constructor(
    private readonly config: GatehouseConfig,
    private readonly logger: FastifyBaseLogger,
    /** The caller's claims and verified token, sent to REST services as to every subgraph. */
    private readonly forwardedHeaders?: ForwardedHeaders,
  ) {
    this.http = new ConnectorHttpClient(config.connectors.connectionsPerOrigin);
  }

  /** The supergraph without its connectors, which now run here. */
  prepare(supergraphSdl: string): string {
    const { servableSdl, graphs } = extractConnectors(supergraphSdl);
    const settings = this.config.connectors;
    for (const name of Object.keys(settings.subgraphs)) {
      if (!graphs.some((graph) => graph.name === name)) {
        throw new UserFacingError(
          `connectors.subgraphs.${name}: the supergraph has no connector subgraph named "${name}" (it has: ${graphs.map((graph) => graph.name).join(', ') || 'none'}).`,
        );
      }
    }
    const debug = settings.debug && this.config.stage === 'dev';
    if (settings.debug && !debug) {
      this.logger.warn(`connectors.debug is ignored in stage "${this.config.stage}": it only applies in dev`);
    }
    this.subgraphs = new Map(
      graphs.map((graph) => [
        graph.name,
        new ConnectorSubgraph({
          name: graph.name,
          subgraphSdl: graph.subgraphSdl,
          connectors: compileConnectorGraph(graph, settings),
          http: this.http,
          config: settings.subgraphs[graph.name]?.config ?? {},
          debug,
          onProblems: (connector, problems) =>
            this.logger.debug(
              { connector, problems: problems.map((problem) => problem.message) },
              'connector mapping',
            ),
        }),
      ]),
    );
    return servableSdl;
  }

  /** The in-process transport of a connector subgraph; undefined for other subgraphs. */
  dataSource(name: string): ConnectorDataSource | undefined {
    const subgraph = this.subgraphs.get(name);
    return subgraph
      ? new ConnectorDataSource(subgraph, (context) =>
          requestStateFor(context, this.forwardedHeaders, this.config.auth.forwardToken),
        )
      : undefined;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** Runs the gateway's subgraph operations on a connector subgraph, in process. */
export class ConnectorDataSource implements GraphQLDataSource {
  constructor(
    private readonly subgraph: ConnectorSubgraph,
    private readonly stateFor: (context: unknown) => ConnectorRequestState,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const context = 'context' in options ? options.context : undefined;
    return (await this.subgraph.execute(
      request.query ?? '',
      request.variables,
      request.operationName ?? undefined,
      this.stateFor(context),
    )) as GatewayGraphQLResponse;
  }

  /** The body is the JSON the executor would send over HTTP; the headers are added per request instead. */
  async fetchRaw(
    body: string,
    _headers?: Record<string, string>,
    context?: unknown,
  ): Promise<GatewayGraphQLResponse> {
    const { query, variables, operationName } = JSON.parse(body) as {
      query: string;
      variables?: Record<string, unknown>;
      operationName?: string;
    };
    return (await this.subgraph.execute(
      query,
      variables,
      operationName,
      this.stateFor(context),
    )) as GatewayGraphQLResponse;
  }

  async close(): Promise<void> {}
}

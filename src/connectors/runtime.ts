import type { FastifyBaseLogger } from 'fastify';
import type { Agent } from 'undici';
import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import type { ExecutionInstrument } from '../execution/instrument.js';
import { compileConnectorGraph } from './compile.js';
import { ConnectorHttpClient } from './http-client.js';
import { ConnectorSubgraph } from './local-subgraph.js';
import type { SubgraphResponse, SubgraphTransport } from '../execution/transport/subgraph-call.js';
import { requestStateFor } from './request-state.js';
import { extractConnectors } from './supergraph.js';

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
    /** The gateway's agent for REST services (HttpPools). */
    agent: Agent,
    /** Watches each connector HTTP call (telemetry). */
    instrument?: ExecutionInstrument['connectorCall'],
  ) {
    this.http = new ConnectorHttpClient(agent, instrument);
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

  /**
   * The in-process transport of a connector subgraph; undefined for other subgraphs. It runs the
   * subgraph's connectors of the latest supergraph: the gateway keeps a subgraph's transport across
   * updates that leave its URL alone, while a new version may have changed its connectors.
   */
  transport(name: string): ConnectorTransport | undefined {
    if (!this.subgraphs.has(name)) return undefined;
    return new ConnectorTransport(name, () => this.subgraphs.get(name), this.config.auth.forwardToken);
  }
}

/** Runs the gateway's subgraph operations on a connector subgraph, in process. */
export class ConnectorTransport implements SubgraphTransport {
  /**
   * `$context` and `$request.headers` come from the client request itself, not from the call's
   * headers: two requests with the same body and headers may still need different answers.
   */
  readonly readsClientRequest = true;

  constructor(
    private readonly name: string,
    private readonly current: () => ConnectorSubgraph | undefined,
    private readonly forwardsToken: boolean,
  ) {}

  /** The body is the JSON a GraphQL subgraph would get over HTTP. */
  async send({
    body,
    headers,
    context,
  }: Parameters<SubgraphTransport['send']>[0]): Promise<SubgraphResponse> {
    const { query, variables, operationName } = JSON.parse(body) as {
      query: string;
      variables?: Record<string, unknown>;
      operationName?: string;
    };
    const subgraph = this.current();
    // The gateway stops calling a subgraph once a supergraph without it is served.
    if (subgraph === undefined) throw new Error(`Connector subgraph "${this.name}" is no longer served`);
    const state = requestStateFor(
      context,
      this.forwardsToken ? { authorization: headers.authorization } : undefined,
    );
    return (await subgraph.execute(query, variables, operationName, state, headers)) as SubgraphResponse;
  }

  async close(): Promise<void> {}
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { RunningGateway, StartGatewayOptions } from '../../src/server/start.js';
import { startTestGateway, type TestSubgraph } from './gateway.js';

/** One request as the REST service received it. */
export interface RecordedCall {
  method: string;
  /** The raw request target, exactly as sent: path and query, still percent-encoded. */
  url: string;
  /** The route pattern that matched (e.g. `/users/:id`); undefined when no route matched. */
  route: string | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
}

export interface RestService {
  /** The base URL, e.g. `http://127.0.0.1:43121`, for `connectors.subgraphs.<name>.sources.<source>.baseURL`. */
  url: string;
  port: number;
  app: FastifyInstance;
  /** Every request received, in order. */
  calls: RecordedCall[];
  /** The requests that matched a route pattern, e.g. `callsTo('GET', '/users/:id')`. */
  callsTo(method: string, route: string): RecordedCall[];
  close(): Promise<void>;
}

/**
 * A small REST/JSON service on a free loopback port that records every request it receives
 * (including ones no route matched), so tests can assert what a connector sent.
 */
export async function startRestService(routes: (app: FastifyInstance) => void): Promise<RestService> {
  const app = Fastify({ logger: false });
  const calls: RecordedCall[] = [];
  app.addHook('preHandler', async (request) => {
    calls.push({
      method: request.method,
      url: request.raw.url ?? '',
      route: request.routeOptions.url,
      params: { ...(request.params as Record<string, string>) },
      query: { ...(request.query as Record<string, unknown>) },
      headers: { ...request.headers },
      body: request.body,
    });
  });
  routes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    calls,
    callsTo: (method, route) => calls.filter((call) => call.method === method && call.route === route),
    close: () => app.close(),
  };
}

/** The start of a connector schema: Federation 2.10 and Connectors v0.1, with the given `@source`s. */
export function connectorSchemaHeader(
  sources: readonly string[],
  federationImports: readonly string[] = ['@key', '@external', '@requires'],
): string {
  const federation = federationImports.map((name) => JSON.stringify(name)).join(', ');
  return [
    'extend schema',
    `  @link(url: "https://specs.apollo.dev/federation/v2.10", import: [${federation}])`,
    '  @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])',
    // The schema's own base URL never answers: tests point each source at a service by config.
    ...sources.map(
      (name) => `  @source(name: "${name}", http: { baseURL: "http://${name}.example.invalid" })`,
    ),
  ].join('\n');
}

export interface RestSubgraph {
  name: string;
  /** The connector schema (SDL with `@source`/`@connect`). */
  sdl: string;
  /** Per `@source` name: the base URL to use instead of the schema's, and optional settings. */
  sources?: Record<
    string,
    | string
    | {
        baseURL?: string;
        timeoutMs?: number;
        maxResponseBytes?: number;
        headers?: Record<string, string>;
      }
  >;
  /** `$config` for this subgraph. */
  config?: Record<string, unknown>;
}

export interface ConnectorGatewayOptions {
  rest: readonly RestSubgraph[];
  /** GraphQL subgraphs composed with the connector subgraphs. */
  graphql?: readonly TestSubgraph[];
  /** Other `connectors` settings (`timeoutMs`, `debug`, …). */
  connectors?: Record<string, unknown>;
  /** Merged over the rest of the config (`stage`, `auth`, …). */
  overrides?: Record<string, unknown>;
  /** What the composition root is given besides the config (a span processor, …). */
  gateway?: Omit<StartGatewayOptions, 'config'>;
}

/**
 * Starts a gateway over connector subgraphs (`type: rest`, schema files written to a temp
 * directory) and GraphQL subgraphs, the way `gatehouse serve` does. Closing it removes the files.
 */
export async function startConnectorGateway(options: ConnectorGatewayOptions): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-connectors-'));
  try {
    const subgraphs = [
      ...(options.graphql ?? []).map(({ name, url }) => ({ name, url })),
      ...options.rest.map(({ name, sdl }) => {
        const schema = join(dir, `${name}.graphql`);
        writeFileSync(schema, sdl);
        return { name, type: 'rest', schema };
      }),
    ];
    const settings = Object.fromEntries(
      options.rest.map(({ name, sources = {}, config }) => [
        name,
        {
          sources: Object.fromEntries(
            Object.entries(sources).map(([source, value]) => [
              source,
              typeof value === 'string' ? { baseURL: value } : value,
            ]),
          ),
          ...(config === undefined ? {} : { config }),
        },
      ]),
    );
    const gateway = await startTestGateway(
      [],
      {
        subgraphs,
        connectors: { ...options.connectors, subgraphs: settings },
        ...options.overrides,
      },
      options.gateway,
    );
    return {
      ...gateway,
      close: async () => {
        try {
          await gateway.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The parsed body of a GraphQL response, for assertions. */
export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: Record<string, unknown> & { code?: string };
  }[];
}

import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import { buildSubgraphSchema } from '@apollo/subgraph';
import Fastify from 'fastify';
import type { DocumentNode } from 'graphql';

type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;

export interface SubgraphDefinition {
  name: string;
  typeDefs: DocumentNode;
  resolvers: NonNullable<SchemaModule['resolvers']>;
}

export interface RunningService {
  name: string;
  /** The GraphQL endpoint, or the base URL for a REST service. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  port?: number;
  host?: string;
}

/** Serves a Federation 2 subgraph on Fastify at POST/GET /graphql. Port 0 picks a free port. */
export async function serveSubgraph(
  definition: SubgraphDefinition,
  { port = 0, host = '127.0.0.1' }: ListenOptions = {},
): Promise<RunningService> {
  const schema = buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers });
  const apollo = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const app = Fastify({ logger: false });
  await app.register(fastifyApollo(apollo), { path: '/graphql' });
  await app.listen({ port, host });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    name: definition.name,
    url: `http://${host}:${boundPort}/graphql`,
    port: boundPort,
    async close() {
      await app.close();
      await apollo.stop();
    },
  };
}

/**
 * Runs a service as its own process when its module is the entry point:
 * `PORT=4001 node dist/subgraphs/accounts/index.js`. Stops cleanly on SIGINT/SIGTERM.
 */
export async function runStandalone(
  start: (options: ListenOptions) => Promise<RunningService>,
  defaultPort: number,
): Promise<void> {
  const port = Number(process.env.PORT ?? defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  const service = await start({ port, host });
  process.stdout.write(`${service.name} listening on ${service.url}\n`);
  const stop = () => {
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  return new URL(moduleUrl).pathname === entry || new URL(moduleUrl).pathname === `${entry}.js`;
}

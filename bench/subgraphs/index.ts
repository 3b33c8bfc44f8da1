import Fastify from 'fastify';
import { accounts } from './accounts.js';
import type { BenchSubgraphDefinition, BenchSubgraphName } from './definition.js';
import { buildBenchSubgraphSchema, createExecutor, type GraphQLResponse } from './executor.js';
import { inventory } from './inventory.js';
import { products } from './products.js';
import { reviews } from './reviews.js';

export { benchSubgraphNames, isBenchSubgraphName, type BenchSubgraphName } from './definition.js';

export const benchSubgraphDefinitions: Readonly<Record<BenchSubgraphName, BenchSubgraphDefinition>> = {
  accounts,
  inventory,
  products,
  reviews,
};

export interface BenchSubgraphOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * Answer a request body seen before with the response computed for it (default true). The data is static
   * and every resolver deterministic, so this changes nothing but the subgraph's CPU cost, which competes
   * with the gateway for the machine.
   */
  responseCache?: boolean;
}

export interface RunningBenchSubgraph {
  name: BenchSubgraphName;
  /** The GraphQL endpoint: `http://host:port/graphql`. */
  url: string;
  port: number;
  /** GraphQL requests received on /graphql since the start or the last reset. */
  requestCount(): number;
  resetRequestCount(): void;
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const MAX_CACHED_RESPONSES = 2000;
const MAX_CACHED_BODY_LENGTH = 256 * 1024;

/**
 * Starts one benchmark subgraph: POST /graphql, plus GET /__count (`{"count": n}`) and POST /__reset
 * (`{"count": 0, "previous": n}`) for the request counter. No logging, cached documents, synchronous
 * execution, pre-serialised responses, and (unless turned off) responses cached by request body.
 */
export async function startBenchSubgraph(
  name: BenchSubgraphName,
  { port = 0, host = '127.0.0.1', responseCache = true }: BenchSubgraphOptions = {},
): Promise<RunningBenchSubgraph> {
  const run = createExecutor(buildBenchSubgraphSchema(benchSubgraphDefinitions[name]));
  const responses = new Map<string, GraphQLResponse>();
  let count = 0;

  function respond(body: string): GraphQLResponse | Promise<GraphQLResponse> {
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      return {
        status: 400,
        body: JSON.stringify({ errors: [{ message: 'The request body is not valid JSON' }] }),
      };
    }
    return run(request);
  }

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  // The handler gets the raw body: it is the response cache's key, and JSON.parse is cheaper than Fastify's
  // default parser, which scans every body for `__proto__` and `constructor`.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  app.post('/graphql', (request, reply) => {
    count++;
    const body = typeof request.body === 'string' ? request.body : '';
    let response: GraphQLResponse | Promise<GraphQLResponse> | undefined = responseCache
      ? responses.get(body)
      : undefined;
    if (!response) {
      response = respond(body);
      if (responseCache && !('then' in response) && body.length <= MAX_CACHED_BODY_LENGTH) {
        if (responses.size >= MAX_CACHED_RESPONSES) responses.clear();
        responses.set(body, response);
      }
    }
    if ('then' in response) {
      response.then(
        ({ status, body }) => reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(body),
        (error: unknown) => reply.send(error),
      );
      return;
    }
    reply.code(response.status).header('content-type', JSON_CONTENT_TYPE).send(response.body);
  });
  app.get('/__count', (_request, reply) => {
    reply.header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify({ count }));
  });
  app.post('/__reset', (_request, reply) => {
    const previous = count;
    count = 0;
    reply.header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify({ count, previous }));
  });

  await app.listen({ port, host });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    name,
    url: `http://${urlHost}:${boundPort}/graphql`,
    port: boundPort,
    requestCount: () => count,
    resetRequestCount: () => {
      count = 0;
    },
    close: () => app.close(),
  };
}

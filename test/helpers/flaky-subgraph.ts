import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';

type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;

/**
 * How the subgraph treats one operation: answer it, close the connection without a word, or answer
 * an HTTP status with a text body (not GraphQL).
 */
export type Behaviour = 'answer' | 'drop' | number;

export interface FlakySubgraph {
  name: string;
  url: string;
  /** Behaviours for the next operations, taken in turn; when it is empty, `otherwise`. */
  script: Behaviour[];
  otherwise: Behaviour;
  /** Operations received (the gateway's `{ _service { sdl } }` look-ups are not counted). */
  operations: number;
  /** Back to answering everything, with the count at 0. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A Federation subgraph on loopback that fails on cue: each operation it receives is answered,
 * dropped (the socket destroyed before any response) or answered with an HTTP error status,
 * following `script`. Its SDL is always served, so the gateway composes.
 */
export async function startFlakySubgraph(options: {
  name: string;
  sdl: string;
  resolvers: NonNullable<SchemaModule['resolvers']>;
}): Promise<FlakySubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(options.sdl),
    resolvers: options.resolvers,
  } as SchemaModule);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const isOperation = !query.includes('_service');
      const behaviour: Behaviour = isOperation ? (subgraph.script.shift() ?? subgraph.otherwise) : 'answer';
      if (isOperation) subgraph.operations++;
      if (behaviour === 'drop') {
        request.socket.destroy();
        return;
      }
      if (typeof behaviour === 'number') {
        response.writeHead(behaviour, { 'content-type': 'text/plain' });
        response.end('the subgraph is having a bad day');
        return;
      }
      void graphql({
        schema,
        source: query,
        variableValues: variables ?? null,
        operationName: operationName ?? null,
      }).then((result) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const subgraph: FlakySubgraph = {
    name: options.name,
    url: `http://127.0.0.1:${port}/graphql`,
    script: [],
    otherwise: 'answer',
    operations: 0,
    reset() {
      subgraph.script = [];
      subgraph.otherwise = 'answer';
      subgraph.operations = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return subgraph;
}

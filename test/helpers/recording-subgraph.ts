import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';

type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;

/** What the resolvers get as their context: the headers the gateway sent with the request. */
export interface RecordingContext {
  headers: IncomingHttpHeaders;
}

/** One request as the subgraph received it. */
export interface RecordedRequest {
  query: string;
  variables: Record<string, unknown> | undefined;
  headers: IncomingHttpHeaders;
}

export interface RecordingSubgraph {
  name: string;
  url: string;
  /** Every GraphQL request received, in order (`{ _service { sdl } }` included). */
  readonly requests: RecordedRequest[];
  /** The requests other than the gateway's `_service` look-ups. */
  operations(): RecordedRequest[];
  /** When set, operations are answered with this HTTP status and no body (after the delay). */
  failWith: number | undefined;
  close(): Promise<void>;
}

export interface RecordingSubgraphOptions {
  name: string;
  /** Federation 2 SDL. */
  sdl: string;
  resolvers: NonNullable<SchemaModule['resolvers']>;
  /** Waits this long before executing each operation, so that concurrent calls overlap. */
  delayMs?: number;
}

/**
 * A Federation subgraph on loopback that records every request (query, variables, headers) and can
 * answer slowly. Its resolvers see the request's headers as `context.headers`, so an answer can
 * depend on who the gateway says is calling.
 */
export async function startRecordingSubgraph(options: RecordingSubgraphOptions): Promise<RecordingSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(options.sdl),
    resolvers: options.resolvers,
  } as SchemaModule);
  const requests: RecordedRequest[] = [];
  const subgraph = { failWith: undefined as number | undefined };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        requests.push({ query, variables, headers: request.headers });
        const operation = !query.includes('_service');
        if (options.delayMs && operation) await sleep(options.delayMs);
        if (operation && subgraph.failWith !== undefined) {
          response.writeHead(subgraph.failWith);
          response.end();
          return;
        }
        const result = await graphql({
          schema,
          source: query,
          variableValues: variables ?? null,
          operationName: operationName ?? null,
          contextValue: { headers: request.headers } satisfies RecordingContext,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result));
      })().catch(() => {
        response.writeHead(500);
        response.end();
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(subgraph, {
    name: options.name,
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    operations: () => requests.filter((recorded) => !recorded.query.includes('_service')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * The `things` subgraph several tests put a gateway in front of: `type Query { thing: Thing }` with
 * `type Thing @key(fields: "id") { id: ID! name: String }`, where `thing` is always
 * `{ id: '1', name: 'one' }`.
 */
export function startThingsSubgraph(): Promise<RecordingSubgraph> {
  return startRecordingSubgraph({
    name: 'things',
    sdl: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { thing: Thing }
      type Thing @key(fields: "id") { id: ID! name: String }
    `,
    resolvers: { Query: { thing: () => ({ id: '1', name: 'one' }) } },
  });
}

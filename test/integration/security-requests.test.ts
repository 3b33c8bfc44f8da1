import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

/*
 * Limits on the request itself, before any operation work: batches (a JSON array of operations) and
 * the size of the request head. A refused request reaches no subgraph.
 */

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Product @key(fields: "id") { id: ID! name: String! }
  type Query { products: [Product!]! product(id: ID!): Product }`;

let shop: RecordingSubgraph;

beforeAll(async () => {
  shop = await startRecordingSubgraph({
    name: 'shop',
    sdl: SDL,
    resolvers: {
      Query: {
        products: () => [{ id: 'p1', name: 'Lamp' }],
        product: (_: unknown, { id }: { id: string }) => ({ id, name: `Product ${id}` }),
      },
    },
  });
});

afterAll(async () => {
  await shop?.close();
});

beforeEach(() => {
  shop.requests.length = 0;
});

const batchOf = (size: number) =>
  JSON.stringify(
    Array.from({ length: size }, (_, index) => ({ query: `{ product(id: "${index}") { name } }` })),
  );

function expectOnlyError(body: unknown, code: string, message: RegExp) {
  const errors = (body as { errors?: { message: string; extensions?: { code?: string } }[] }).errors;
  expect(errors, JSON.stringify(body)).toHaveLength(1);
  expect(errors?.[0]?.extensions?.code).toBe(code);
  expect(errors?.[0]?.message).toMatch(message);
}

describe('batched requests, off by default', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([shop]);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses a batch with BATCHING_DISABLED and calls no subgraph', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, batchOf(2));
    expect(response.status).toBe(400);
    expectOnlyError(response.body, 'BATCHING_DISABLED', /security\.batching\.enabled is false.*2 operations/);
    expect(shop.operations()).toHaveLength(0);
  });

  it('still serves a single operation', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ products { name } }' });
    expect(response.body).toEqual({ data: { products: [{ name: 'Lamp' }] } });
  });
});

describe('batched requests, on with a maximum size', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([shop], { security: { batching: { enabled: true, maxSize: 3 } } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('serves a batch of the maximum size, one result per operation', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, batchOf(3));
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { data: { product: { name: 'Product 0' } } },
      { data: { product: { name: 'Product 1' } } },
      { data: { product: { name: 'Product 2' } } },
    ]);
  });

  it('refuses one more with BATCH_TOO_LARGE, naming the size and the limit, and calls no subgraph', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, batchOf(4));
    expect(response.status).toBe(400);
    expectOnlyError(
      response.body,
      'BATCH_TOO_LARGE',
      /^The batch has 4 operations; the limit \(security\.batching\.maxSize\) is 3\.$/,
    );
    expect(shop.operations()).toHaveLength(0);
  });
});

/** Sends a POST with one header of `bytes` bytes, with Node's client (fetch has its own limits). */
function postWithHeader(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: '{ products { name } }' });
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-padding': 'p'.repeat(bytes) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('the size of the request head', () => {
  let gateway: RunningGateway;
  let small: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([shop]);
    small = await startTestGateway([shop], { security: { maxHeaderBytes: 4096 } });
  });

  afterAll(async () => {
    await gateway?.close();
    await small?.close();
  });

  it('serves headers under the default 16 KiB and refuses larger ones with a clean 431', async () => {
    expect((await postWithHeader(gateway.graphqlUrl, 12_000)).status).toBe(200);
    shop.requests.length = 0;
    const refused = await postWithHeader(gateway.graphqlUrl, 20_000);
    expect(refused.status).toBe(431);
    expect(JSON.parse(refused.body)).toEqual({
      errors: [
        {
          message: 'The request line and headers are larger than 16384 bytes (security.maxHeaderBytes).',
          extensions: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' },
        },
      ],
    });
    expect(shop.operations()).toHaveLength(0);
  });

  it('still answers a malformed request with 400', async () => {
    const { port } = new URL(gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.end('NOT HTTP AT ALL\r\n\r\n');
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('follows security.maxHeaderBytes', async () => {
    expect((await postWithHeader(small.graphqlUrl, 3_000)).status).toBe(200);
    const refused = await postWithHeader(small.graphqlUrl, 5_000);
    expect(refused.status).toBe(431);
    expect(refused.body).toContain('larger than 4096 bytes');
    // The gateway goes on serving.
    expect((await postGraphQL(small.graphqlUrl, { query: '{ products { name } }' })).status).toBe(200);
  });
});

describe('a body over the limit', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([shop], { server: { port: 0, bodyLimitBytes: 2048 } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  /** POSTs a body of `bytes` bytes and resolves with the answer, even if the write is cut. */
  function postLarge(bytes: number): Promise<{ status: number; body: string; connection?: string }> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const request = httpRequest(
        gateway.graphqlUrl,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(response.headers.connection ? { connection: response.headers.connection } : {}),
            }),
          );
        },
      );
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      const variables = { v: 'x'.repeat(bytes) };
      request.end(JSON.stringify({ query: 'query ($v: String) { __typename }', variables }));
    });
  }

  it('is answered with 413 while the client is still sending it, and calls no subgraph', async () => {
    // Answered before the body is read; closing at once would reset the connection under the client.
    for (let i = 0; i < 3; i++) {
      const refused = await postLarge(8 * 1024 * 1024);
      expect(refused.status).toBe(413);
      // The connection is kept while the rest of the body is read and dropped.
      expect(refused.connection).not.toBe('close');
      expect(JSON.parse(refused.body)).toMatchObject({
        errors: [
          {
            message: 'The request body is larger than the limit of 2048 bytes (server.bodyLimitBytes).',
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    }
    expect(shop.operations()).toHaveLength(0);
    expect((await postGraphQL(gateway.graphqlUrl, { query: '{ products { name } }' })).status).toBe(200);
  });
});

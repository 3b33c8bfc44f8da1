import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';
import { memoryOf, resetPeak, servingPid } from '../helpers/process-memory.js';
import {
  sendJson,
  startHttpBackend,
  streamJson,
  type HttpBackend,
  type StreamedAnswer,
} from '../helpers/large-responses.js';
import { connectorSchemaHeader, type GraphQLBody } from '../helpers/rest-services.js';

// `gatehouse serve` with the default limits (32 MiB per subgraph and per connector source), in a
// process of its own so that its memory can be read, against a backend that streams 300 MB.

const STREAMED_BYTES = 300 * 1024 * 1024;
const MIB = 1024 * 1024;

const subgraphSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { small: String huge: String }
`;

const connectorSdl = `${connectorSchemaHeader(['api'])}

type Item { value: String }

type Query {
  smallItem: Item @connect(source: "api", http: { GET: "/small" }, selection: "value")
  hugeItem: Item @connect(source: "api", http: { GET: "/huge" }, selection: "value")
}
`;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms),
    ),
  ]);
}

describe('gatehouse serve against a backend that streams 300 MB', () => {
  let dir: string;
  let backend: HttpBackend;
  let cli: CliProcess;
  let url: string;
  let pid: number;
  /** The answers streamed so far, latest last. */
  const streams: StreamedAnswer[] = [];

  const stream = (response: Parameters<typeof streamJson>[0], head: string, tail: string) =>
    streams.push(streamJson(response, { head, tail, totalBytes: STREAMED_BYTES }));

  beforeAll(async () => {
    backend = await startHttpBackend((request, response) => {
      if (request.url === '/small') return sendJson(response, '{"value":"ok"}', false);
      if (request.url === '/huge') return stream(response, '{"value":"', '"}');
      const { query } = JSON.parse(request.text) as { query: string };
      if (query.includes('_service')) {
        return sendJson(response, JSON.stringify({ data: { _service: { sdl: subgraphSdl } } }), false);
      }
      if (query.includes('huge')) return stream(response, '{"data":{"huge":"', '"}}');
      sendJson(response, '{"data":{"small":"ok"}}', false);
    });
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-large-'));
    writeFileSync(join(dir, 'rest.graphql'), connectorSdl);
    const config = {
      stage: 'prod',
      server: { port: 0, workers: 1 },
      logging: { level: 'silent' },
      subgraphs: [
        { name: 'big', url: `${backend.url}/graphql` },
        { name: 'rest', type: 'rest', schema: 'rest.graphql' },
      ],
      connectors: { subgraphs: { rest: { sources: { api: { baseURL: backend.url } } } } },
    };
    // JSON is YAML.
    writeFileSync(join(dir, 'gatehouse.yaml'), JSON.stringify(config));
    cli = startCli(['serve', '--config', join(dir, 'gatehouse.yaml')]);
    url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    pid = servingPid(cli.child.pid ?? 0);
  });

  afterAll(async () => {
    await cli?.stop();
    await backend?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Sends `query` once to warm the path up, measures, then sends `hugeQuery` and returns its body,
   * how much the process's peak memory grew meanwhile, and what the backend streamed.
   */
  async function measure(warmUp: string, hugeQuery: string) {
    expect((await postGraphQL(url, { query: warmUp })).status).toBe(200);
    const before = memoryOf(pid, 'VmRSS');
    resetPeak(pid);
    const started = streams.length;
    const response = await within(postGraphQL(url, { query: hugeQuery }), 20_000, 'the answer');
    const growth = memoryOf(pid, 'VmHWM') - before;
    const streamed = streams[started];
    expect(streamed, 'the backend was asked').toBeDefined();
    const sent = await within((streamed as StreamedAnswer).done, 5_000, 'the backend to be cut off');
    return { response, body: response.body as GraphQLBody, growth, sent };
  }

  it('a connector field: CONNECTOR_RESPONSE_TOO_LARGE, flat memory, the backend cut off', async () => {
    const { response, body, growth, sent } = await measure(
      '{ smallItem { value } }',
      '{ hugeItem { value } }',
    );
    expect(growth / MIB, 'peak RSS growth in MiB').toBeLessThan(100);
    expect(sent.completed).toBe(false);
    expect(sent.bytesWritten / MIB, 'MiB the backend wrote').toBeLessThan(100);
    expect(response.status).toBe(200);
    expect(body.data).toEqual({ hugeItem: null });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['CONNECTOR_RESPONSE_TOO_LARGE']);
  });

  it('a subgraph: SUBGRAPH_RESPONSE_TOO_LARGE, flat memory, the backend cut off', async () => {
    const { response, body, growth, sent } = await measure('{ small }', '{ huge }');
    expect(growth / MIB, 'peak RSS growth in MiB').toBeLessThan(100);
    expect(sent.completed).toBe(false);
    expect(sent.bytesWritten / MIB, 'MiB the backend wrote').toBeLessThan(100);
    expect(response.status).toBe(502);
    expect(body.data).toEqual({ huge: null });
    expect(body.errors).toMatchObject([
      {
        message: 'Subgraph "big" answered with more than 33554432 bytes.',
        extensions: { code: 'SUBGRAPH_RESPONSE_TOO_LARGE', serviceName: 'big' },
      },
    ]);
  });

  it('keeps serving afterwards', async () => {
    expect((await postGraphQL(url, { query: '{ small smallItem { value } }' })).body).toEqual({
      data: { small: 'ok', smallItem: { value: 'ok' } },
    });
  });
});

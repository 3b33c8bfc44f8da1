import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL } from '../helpers/gateway.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type RestService,
} from '../helpers/rest-services.js';

// A REST connector subgraph answers even when its REST services fail: the log still says so.

const sdl = `${connectorSchemaHeader(['api', 'down'])}

type Thing { value: String }

type Query {
  ok: Thing @connect(source: "api", http: { GET: "/ok" }, selection: "value")
  notFound: Thing @connect(source: "api", http: { GET: "/status/404" }, selection: "value")
  broken: Thing @connect(source: "api", http: { GET: "/status/503" }, selection: "value")
  down: Thing @connect(source: "down", http: { GET: "/anything" }, selection: "value")
}
`;

type Line = Record<string, unknown>;
const lines: Line[] = [];
let api: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  api = await startRestService((app) => {
    app.get('/ok', async () => ({ value: 'fine' }));
    app.get<{ Params: { code: string } }>('/status/:code', async (request, reply) =>
      reply.code(Number(request.params.code)).send({ message: 'no' }),
    );
  });
  const probe = await startRestService(() => {});
  const closedPort = probe.port;
  await probe.close();
  gateway = await startConnectorGateway({
    rest: [{ name: 'shaky', sdl, sources: { api: api.url, down: `http://127.0.0.1:${closedPort}` } }],
    overrides: { logging: { level: 'info' } },
    gateway: { logStream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } },
  });
});

afterAll(async () => {
  await gateway?.close();
  await api?.close();
});

async function warningsFor(query: string, requestId: string): Promise<Line[]> {
  await postGraphQL(gateway.graphqlUrl, { query }, { 'x-request-id': requestId });
  for (let waited = 0; waited < 2_000; waited += 10) {
    if (lines.some((line) => line.msg === 'request' && line.requestId === requestId)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return lines.filter((line) => line.level === 40 && line.requestId === requestId);
}

describe('REST connector failures', () => {
  it('log one warn line per call, naming the subgraph, the code and the connectors', async () => {
    const warnings = await warningsFor(
      'query Things { ok { value } down { value } broken { value } }',
      'c-1',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      subgraph: 'shaky',
      operationName: 'Things',
      msg: expect.stringMatching(/^subgraph "shaky" failed: CONNECTOR_(UNAVAILABLE|HTTP_ERROR)$/),
    });
    expect(warnings[0]?.connectors).toEqual(
      expect.arrayContaining([
        { connector: 'shaky:Query.down@connect[0]', code: 'CONNECTOR_UNAVAILABLE' },
        { connector: 'shaky:Query.broken@connect[0]', code: 'CONNECTOR_HTTP_ERROR', status: 503 },
      ]),
    );
  });

  it("do not include a REST service's 4xx answer, or a call that went well", async () => {
    expect(await warningsFor('{ ok { value } notFound { value } }', 'c-2')).toEqual([]);
  });
});

import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway, type GraphQLHttpResponse } from '../helpers/gateway.js';
import { createSigningKey, signToken, type SigningKey } from '../helpers/jwt.js';
import { sendJson, startHttpBackend, streamJson, type HttpBackend } from '../helpers/large-responses.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type GraphQLBody,
  type RestService,
} from '../helpers/rest-services.js';

// Every backend the gateway reads from answers more than it is allowed to here: a subgraph, a REST
// service behind a connector, the external authorizer and a JWKS endpoint. Each over-limit answer is
// that client's usual failure; an answer under the limit is served as before.

let accounts: RunningService;

beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
});

afterAll(async () => {
  await accounts?.close();
});

/** Nothing about where a backend lives reaches the client. */
function expectNoAddress(body: unknown, backend: { port: number }) {
  const text = JSON.stringify(body);
  expect(text).not.toContain('127.0.0.1');
  expect(text).not.toContain(String(backend.port));
}

describe('subgraphs: transport.maxResponseBytes and subgraphs[].maxResponseBytes', () => {
  const federation = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';
  const sdl: Record<string, string> = {
    // Its own limit: 16 KiB.
    reviews: `${federation}\ntype User @key(fields: "id") { id: ID! reviewCount: Int }`,
    // The transport's: 4 KiB.
    pings: `${federation}\ntype Query { ping: String }`,
  };
  /** How the next answer is padded (in `extensions`, so it stays a valid GraphQL response). */
  let answer: { paddingBytes: number; chunked: boolean } = { paddingBytes: 0, chunked: false };
  let backend: HttpBackend;
  let gateway: RunningGateway;

  beforeAll(async () => {
    backend = await startHttpBackend((request, response) => {
      const name = (request.url ?? '').slice(1);
      const { query, variables } = JSON.parse(request.text) as {
        query: string;
        variables?: { representations?: unknown[] };
      };
      if (query.includes('_service')) {
        sendJson(response, JSON.stringify({ data: { _service: { sdl: sdl[name] } } }), false);
        return;
      }
      const data =
        name === 'reviews'
          ? {
              _entities: (variables?.representations ?? []).map(() => ({
                __typename: 'User',
                reviewCount: 3,
              })),
            }
          : { ping: 'pong' };
      const extensions = { padding: 'x'.repeat(answer.paddingBytes) };
      sendJson(response, JSON.stringify({ data, extensions }), answer.chunked);
    });
    gateway = await startTestGateway([], {
      transport: { maxResponseBytes: 4_096 },
      subgraphs: [
        { name: 'accounts', url: accounts.url },
        { name: 'reviews', url: `${backend.url}/reviews`, maxResponseBytes: 16_384 },
        { name: 'pings', url: `${backend.url}/pings` },
      ],
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await backend?.close();
  });

  const meQuery = { query: '{ me { id username reviewCount } }' };

  it.each([
    ['with a content-length', false],
    ['streamed without one', true],
  ])(
    'an answer over the limit, %s: partial data and SUBGRAPH_RESPONSE_TOO_LARGE naming the subgraph',
    async (_how, chunked) => {
      answer = { paddingBytes: 65_536, chunked };
      const response = await postGraphQL(gateway.graphqlUrl, meQuery);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: { me: { id: '1', username: expect.any(String), reviewCount: null } },
        errors: [
          {
            message: 'Subgraph "reviews" answered with more than 16384 bytes.',
            // The failed entity fetch is reported at the field that holds the entity.
            path: ['me'],
            extensions: { code: 'SUBGRAPH_RESPONSE_TOO_LARGE', serviceName: 'reviews' },
          },
        ],
      });
      expectNoAddress(response.body, backend);

      // The connection that was cut is replaced: the next answer is read as usual.
      answer = { paddingBytes: 0, chunked };
      expect((await postGraphQL(gateway.graphqlUrl, meQuery)).body).toEqual({
        data: { me: { id: '1', username: expect.any(String), reviewCount: 3 } },
      });
    },
  );

  it('an answer under its own limit is served, though it is over the transport default', async () => {
    answer = { paddingBytes: 10_000, chunked: true };
    const response = await postGraphQL(gateway.graphqlUrl, meQuery);
    expect(response.body).toEqual({
      data: { me: { id: '1', username: expect.any(String), reviewCount: 3 } },
    });
  });

  it('a subgraph without a limit of its own gets the transport default; nothing back at all is 502', async () => {
    answer = { paddingBytes: 10_000, chunked: false };
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ ping }' });
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({
      data: { ping: null },
      errors: [
        {
          message: 'Subgraph "pings" answered with more than 4096 bytes.',
          extensions: { code: 'SUBGRAPH_RESPONSE_TOO_LARGE', serviceName: 'pings' },
        },
      ],
    });
    answer = { paddingBytes: 1_000, chunked: false };
    const small = await postGraphQL(gateway.graphqlUrl, { query: '{ ping }' });
    expect(small.status).toBe(200);
    expect(small.body).toEqual({ data: { ping: 'pong' } });
  });
});

describe('connectors: connectors.maxResponseBytes and sources.<name>.maxResponseBytes', () => {
  const sdl = `${connectorSchemaHeader(['api', 'generous'])}

type Thing { value: String }

type Query {
  small: Thing @connect(source: "api", http: { GET: "/json/1000" }, selection: "value")
  big: Thing @connect(source: "api", http: { GET: "/json/65536" }, selection: "value")
  streamed: Thing @connect(source: "api", http: { GET: "/stream/65536" }, selection: "value")
  generous: Thing @connect(source: "generous", http: { GET: "/json/65536" }, selection: "value")
}
`;
  let api: RestService;
  let gateway: RunningGateway;

  beforeAll(async () => {
    api = await startRestService((app) => {
      app.get<{ Params: { size: string } }>('/json/:size', async (request, reply) =>
        reply
          .type('application/json')
          .send(JSON.stringify({ value: 'fine', padding: 'x'.repeat(Number(request.params.size)) })),
      );
      app.get<{ Params: { size: string } }>('/stream/:size', (request, reply) => {
        reply.hijack();
        streamJson(reply.raw, {
          head: '{"value":"fine","padding":"',
          tail: '"}',
          totalBytes: Number(request.params.size),
        });
      });
    });
    gateway = await startConnectorGateway({
      rest: [
        {
          name: 'rest',
          sdl,
          sources: { api: api.url, generous: { baseURL: api.url, maxResponseBytes: 131_072 } },
        },
      ],
      connectors: { maxResponseBytes: 8_192 },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await api?.close();
  });

  async function query(text: string): Promise<GraphQLHttpResponse & { body: GraphQLBody }> {
    return (await postGraphQL(gateway.graphqlUrl, { query: text })) as GraphQLHttpResponse & {
      body: GraphQLBody;
    };
  }

  it.each([
    ['big', 'with a content-length'],
    ['streamed', 'streamed without one'],
  ])(
    '%s: a body over the limit (%s) is a CONNECTOR_RESPONSE_TOO_LARGE field error; the other fields come back',
    async (field) => {
      const response = await query(`{ small { value } ${field} { value } }`);
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ small: { value: 'fine' }, [field]: null });
      expect(response.body.errors).toEqual([
        expect.objectContaining({
          message: `The REST service behind connector rest:Query.${field}@connect[0] answered with more than 8192 bytes.`,
          path: [field],
          extensions: expect.objectContaining({
            code: 'CONNECTOR_RESPONSE_TOO_LARGE',
            connector: { coordinate: `rest:Query.${field}@connect[0]` },
            service: 'rest',
          }),
        }),
      ]);
      expectNoAddress(response.body, api);
    },
  );

  it("a source's own limit replaces the connectors default", async () => {
    const response = await query('{ generous { value } }');
    expect(response.body).toEqual({ data: { generous: { value: 'fine' } } });
  });
});

describe('the external authorizer: auth.authorizer.maxResponseBytes (64 KiB by default)', () => {
  // 40,000 characters, 80,000 bytes in UTF-8: under the limit counted in characters, over in bytes.
  const note = 'é'.repeat(40_000);
  let authorizer: FastifyInstance;
  let gateway: RunningGateway;

  beforeAll(async () => {
    authorizer = Fastify({ logger: false, forceCloseConnections: true });
    authorizer.post('/authorize', async (request, reply) => {
      const token = /^Token (\S+)$/.exec(
        (request.body as { headers: Record<string, string> }).headers.authorization ?? '',
      )?.[1];
      const answer = JSON.stringify({
        allow: true,
        principal: { subject: token, claims: { note: token === 'small' ? 'short' : note } },
      });
      reply.hijack();
      sendJson(reply.raw, answer, token === 'big-chunked');
    });
    await authorizer.listen({ port: 0, host: '127.0.0.1' });
    const address = authorizer.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    gateway = await startTestGateway([accounts], {
      auth: { authorizer: { url: `http://127.0.0.1:${port}/authorize`, headers: ['authorization'] } },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await authorizer?.close();
  });

  it('the answer used here is under 64 Ki characters but over 64 KiB', () => {
    const answer = JSON.stringify({ allow: true, principal: { subject: 'big', claims: { note } } });
    expect(answer.length).toBeLessThan(65_536);
    expect(Buffer.byteLength(answer)).toBeGreaterThan(65_536);
  });

  it.each(['big', 'big-chunked'])(
    'an answer over the limit in bytes (%s) is a failed call: 503 AUTHORIZER_UNAVAILABLE',
    async (token) => {
      const response = await postGraphQL(
        gateway.graphqlUrl,
        { query: '{ me { username } }' },
        { authorization: `Token ${token}` },
      );
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        errors: [
          {
            message: 'The external authorizer could not be reached or did not answer in time.',
            extensions: { code: 'AUTHORIZER_UNAVAILABLE' },
          },
        ],
      });
    },
  );

  it('an answer under the limit lets the request in', async () => {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ me { username } }' },
      { authorization: 'Token small' },
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { me: { username: expect.any(String) } } });
  });
});

describe('JWKS: auth.jwt.issuers[].jwksMaxResponseBytes (1 MiB by default)', () => {
  const issuers = {
    small: 'https://small.example.test/',
    big: 'https://big.example.test/',
    huge: 'https://huge.example.test/',
  };
  let key: SigningKey;
  let jwks: HttpBackend;
  let gateway: RunningGateway;

  beforeAll(async () => {
    key = await createSigningKey('RS256');
    const document = (padding: number) =>
      JSON.stringify({ keys: [key.publicJwk], padding: 'x'.repeat(padding) });
    jwks = await startHttpBackend((request, response) => {
      if (request.url === '/small') sendJson(response, document(0), false);
      // Over its 4 KiB limit, with a content-length.
      else if (request.url === '/big') sendJson(response, document(8_192), false);
      // Over the 1 MiB default, streamed.
      else streamJson(response, { head: document(0).slice(0, -2), tail: '"}', totalBytes: 4 * 1_048_576 });
    });
    gateway = await startTestGateway([accounts], {
      auth: {
        jwt: {
          issuers: [
            {
              issuer: issuers.small,
              algorithms: ['RS256'],
              jwksUrl: `${jwks.url}/small`,
              jwksMaxResponseBytes: 4_096,
            },
            {
              issuer: issuers.big,
              algorithms: ['RS256'],
              jwksUrl: `${jwks.url}/big`,
              jwksMaxResponseBytes: 4_096,
            },
            { issuer: issuers.huge, algorithms: ['RS256'], jwksUrl: `${jwks.url}/huge` },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await jwks?.close();
  });

  const ask = async (issuer: string) =>
    postGraphQL(
      gateway.graphqlUrl,
      { query: '{ me { username } }' },
      { authorization: `Bearer ${await signToken(key, {}, { issuer })}` },
    );

  it.each([
    ['its own limit, with a content-length', issuers.big],
    ['the default limit, streamed', issuers.huge],
  ])('a JWKS over %s leaves the keys unavailable: 401', async (_how, issuer) => {
    const response = await ask(issuer);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      errors: [{ message: 'token keys unavailable', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('a JWKS under the limit verifies tokens', async () => {
    const response = await ask(issuers.small);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ data: { me: { username: expect.any(String) } } });
  });
});

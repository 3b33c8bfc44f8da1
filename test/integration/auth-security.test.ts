import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/auth/api-keys.js';
import type { RunningGateway } from '../../src/server/start.js';
import { openStore } from '../../src/store/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { startAuthorizerServer, type AuthorizerServer } from '../helpers/authorizer-server.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type RestService,
} from '../helpers/rest-services.js';
import { recordingProxy, type RecordingProxy } from './authorization/recording-proxy.js';
import { accounts } from './authorization/subgraphs.js';

/**
 * Regression tests for security faults found in identity and authorization, each through HTTP
 * against the gateway as `gatehouse serve` runs it, with real subgraphs, REST services and an
 * external authorizer on loopback.
 */

const SECRET_A = 'issuer-a-shared-secret-of-at-least-32-chars';
const SECRET_B = 'issuer-b-shared-secret-of-at-least-32-chars';
const ISSUER_A = 'https://a.issuer.test';
const ISSUER_B = 'https://b.issuer.test';
const UNAUTHORIZED = {
  message: 'Unauthorized field or type',
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
};

const CREDIT_LIMIT_REMOVED = { ...UNAUTHORIZED, path: ['users', '@', 'creditLimit'] };

let accountsService: RunningService;
let proxy: RecordingProxy;

beforeAll(async () => {
  accountsService = await serveSubgraph(accounts);
  proxy = await recordingProxy(accountsService.url);
});

afterAll(async () => {
  await proxy?.close();
  await accountsService?.close();
});

beforeEach(() => {
  proxy.queries.length = 0;
  proxy.headers.length = 0;
});

/**
 * Grants the `billing` policy to principals with role `admin`. Like many real authorizers it
 * answers 400 to a question with no credentials at all.
 */
async function startPolicyAuthorizer(): Promise<{ url: string; calls: unknown[]; app: FastifyInstance }> {
  const calls: unknown[] = [];
  const app = Fastify({ logger: false });
  app.post('/authorize', async (request, reply) => {
    const body = request.body as {
      headers: Record<string, string>;
      policies?: string[];
      principal?: { roles?: string[] } | null;
    };
    calls.push(body);
    if (!body.principal && Object.keys(body.headers).length === 0) {
      return reply.code(400).send({ error: 'no credentials to decide on' });
    }
    const admin = body.principal?.roles?.includes('admin') === true;
    return { allow: true, policies: Object.fromEntries((body.policies ?? []).map((name) => [name, admin])) };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/authorize`, calls, app };
}

describe('@policy decisions of the external authorizer', () => {
  let authorizer: Awaited<ReturnType<typeof startPolicyAuthorizer>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    authorizer = await startPolicyAuthorizer();
    gateway = await startTestGateway([{ name: 'accounts', url: proxy.url }], {
      auth: {
        jwt: {
          cookie: 'session',
          issuers: [
            { issuer: ISSUER_A, algorithms: ['HS256'], secret: SECRET_A },
            { issuer: ISSUER_B, algorithms: ['HS256'], secret: SECRET_B, maxTokenAgeSec: 3600 },
          ],
        },
        authorizer: { url: authorizer.url, headers: ['authorization'], failOpen: true },
        policies: { billing: { authorizer: true } },
        hideUnauthorizedInIntrospection: true,
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await authorizer?.app.close();
  });

  const creditLimits = (cookie?: string) =>
    postGraphQL(
      gateway.graphqlUrl,
      { query: '{ users { name creditLimit } }' },
      cookie === undefined ? {} : { cookie: `session=${cookie}` },
    );

  it('are never reused for another token of the same subject, from the same or another issuer', async () => {
    const admin = signHs256(SECRET_A, { roles: ['admin'] }, { issuer: ISSUER_A, subject: 'bob' });
    const plainA = signHs256(SECRET_A, { roles: [] }, { issuer: ISSUER_A, subject: 'bob' });
    const plainB = signHs256(SECRET_B, { roles: [] }, { issuer: ISSUER_B, subject: 'bob' });

    expect((await creditLimits(admin)).body).toEqual({
      data: {
        users: [
          { name: 'Ada', creditLimit: 100 },
          { name: 'Grace', creditLimit: 200 },
        ],
      },
    });
    for (const token of [plainA, plainB]) {
      const response = await creditLimits(token);
      expect(response.body).toMatchObject({
        data: {
          users: [
            { name: 'Ada', creditLimit: null },
            { name: 'Grace', creditLimit: null },
          ],
        },
        errors: [CREDIT_LIMIT_REMOVED],
      });
    }
    // The same question again is answered from the cache.
    const asked = authorizer.calls.length;
    await creditLimits(admin);
    expect(authorizer.calls).toHaveLength(asked);
  });

  it('deny the policy when the authorizer fails, even with failOpen', async () => {
    // No credentials at all: the authorizer answers 400.
    const response = await creditLimits();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      data: { users: [{ creditLimit: null }, { creditLimit: null }] },
      errors: [CREDIT_LIMIT_REMOVED],
    });
  });

  it('refuses a token that outlives its issuer’s maxTokenAgeSec, or has no iat', async () => {
    const forever = signHs256(SECRET_B, {}, { issuer: ISSUER_B, expiresIn: 1_000_000_000 });
    const noIat = signHs256(SECRET_B, {}, { issuer: ISSUER_B, noIssuedAt: true });
    const fine = signHs256(SECRET_B, {}, { issuer: ISSUER_B, expiresIn: 600 });
    const status = async (token: string) => {
      const response = await postGraphQL(
        gateway.graphqlUrl,
        { query: '{ motd }' },
        { cookie: `session=${token}` },
      );
      return [response.status, (response.body as { errors?: { message: string }[] }).errors?.[0]?.message];
    };
    expect(await status(forever)).toEqual([401, 'token lifetime too long']);
    expect(await status(noIat)).toEqual([401, 'token has no issue time']);
    expect(await status(fine)).toEqual([200, undefined]);
  });

  it('names no hidden field in a suggestion', async () => {
    const admin = signHs256(SECRET_A, { roles: ['admin'] }, { issuer: ISSUER_A, subject: 'bob' });
    const response = await creditLimits(admin);
    expect(response.status).toBe(200);
    const typo = await postGraphQL(gateway.graphqlUrl, { query: '{ users { creditLimt } }' });
    expect(typo.status).toBe(400);
    expect(typo.body).toEqual({
      errors: [
        {
          message: 'Cannot query field "creditLimt" on type "User".',
          locations: [{ line: 1, column: 11 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
  });
});

describe('identity decisions of the external authorizer', () => {
  let authorizer: AuthorizerServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    authorizer = await startAuthorizerServer();
    gateway = await startTestGateway([{ name: 'accounts', url: proxy.url }], {
      auth: {
        // No cacheKey: every header sent keys the decision.
        authorizer: { url: authorizer.url, headers: ['authorization', 'x-tenant'] },
        forwardClaims: [{ claim: 'tenant', header: 'x-tenant-id' }],
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await authorizer?.close();
  });

  it('are keyed on every header sent to the authorizer', async () => {
    for (const tenant of ['acme', 'globex']) {
      const response = await postGraphQL(
        gateway.graphqlUrl,
        { query: '{ motd }' },
        { authorization: 'Token alice', 'x-tenant': tenant },
      );
      expect(response.status).toBe(200);
    }
    expect(proxy.headers.map((headers) => headers['x-tenant-id'])).toEqual(['acme', 'globex']);
  });
});

describe('forwardToken', () => {
  const NOTES_SDL = `${connectorSchemaHeader(['notes'])}
type Note { id: ID! }
type Query {
  note(id: ID!): Note
    @connect(
      source: "notes"
      http: { GET: "/notes/{$args.id}", headers: [{ name: "x-copied-auth", from: "authorization" }] }
      selection: "id"
    )
}
`;
  let notes: RestService;
  let gateway: RunningGateway;
  let dir: string;
  let apiKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-forward-'));
    const sqlite = join(dir, 'gatehouse.db');
    const store = await openStore({ sqlite });
    try {
      apiKey = (await new ApiKeys(store).create({ name: 'ci' })).key;
    } finally {
      await store.close();
    }
    notes = await startRestService((app) => {
      app.get<{ Params: { id: string } }>('/notes/:id', async (request) => ({ id: request.params.id }));
    });
    gateway = await startConnectorGateway({
      rest: [{ name: 'notes', sdl: NOTES_SDL, sources: { notes: notes.url } }],
      graphql: [{ name: 'accounts', url: proxy.url }],
      overrides: {
        auth: {
          jwt: { issuers: [{ issuer: ISSUER_A, algorithms: ['HS256'], secret: SECRET_A }] },
          apiKeys: {},
          forwardToken: true,
          forwardClaims: [{ claim: 'subject', header: 'x-user-id' }],
        },
        store: { sqlite },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await notes?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    notes.calls.length = 0;
  });

  /** What the GraphQL subgraph and the REST service received as `authorization` and `x-user-id`. */
  async function received(headers: Record<string, string>) {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ motd note(id: "n1") { id } }' },
      headers,
    );
    expect(response.body).toEqual({ data: { motd: 'hello', note: { id: 'n1' } } });
    const [subgraph] = proxy.headers;
    const [rest] = notes.calls;
    return {
      subgraph: { authorization: subgraph?.authorization, user: subgraph?.['x-user-id'] },
      rest: {
        authorization: rest?.headers.authorization,
        copied: rest?.headers['x-copied-auth'],
        user: rest?.headers['x-user-id'],
      },
    };
  }

  it('forwards the verified token, and the claims, to GraphQL subgraphs and REST services alike', async () => {
    const token = signHs256(SECRET_A, {}, { issuer: ISSUER_A, subject: 'u1' });
    expect(await received({ authorization: `Bearer ${token}` })).toEqual({
      subgraph: { authorization: `Bearer ${token}`, user: 'u1' },
      rest: { authorization: `Bearer ${token}`, copied: `Bearer ${token}`, user: 'u1' },
    });
  });

  it('never forwards a token beside the API key that identified the caller', async () => {
    const forged = signHs256('not-the-issuer-secret-but-long-enough-to-sign', {}, { issuer: ISSUER_A });
    expect(await received({ 'x-api-key': apiKey, authorization: `Bearer ${forged}` })).toEqual({
      subgraph: { authorization: undefined, user: 'ci' },
      rest: { authorization: undefined, copied: undefined, user: 'ci' },
    });
  });

  it('never forwards an anonymous caller’s authorization header', async () => {
    expect(await received({ authorization: 'JWT forged.token.value' })).toEqual({
      subgraph: { authorization: undefined, user: undefined },
      rest: { authorization: undefined, copied: undefined, user: undefined },
    });
  });
});

describe('in stage prod', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'accounts', url: proxy.url }], {
      stage: 'prod',
      server: { port: 0, requestTimeoutMs: 500 },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('shows no query plan, whatever NODE_ENV says', async () => {
    expect(process.env.NODE_ENV).not.toBe('production');
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ motd }' },
      { 'apollo-query-plan-experimental': '1' },
    );
    expect(response.body).toEqual({ data: { motd: 'hello' } });
  });

  it('suggests no field name', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ mtod }' });
    expect(response.body).toMatchObject({
      errors: [{ message: 'Cannot query field "mtod" on type "Query".' }],
    });
  });

  it('closes a connection whose body does not arrive within server.requestTimeoutMs', async () => {
    const { port } = new URL(gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    const started = Date.now();
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
    });
    socket.write(
      'POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n{',
    );
    const answer = await closed;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('in stage dev', () => {
  it('shows the query plan on request', async () => {
    const gateway = await startTestGateway([{ name: 'accounts', url: proxy.url }]);
    try {
      const response = await postGraphQL(
        gateway.graphqlUrl,
        { query: '{ motd }' },
        { 'apollo-query-plan-experimental': '1' },
      );
      expect(response.body).toMatchObject({
        data: { motd: 'hello' },
        extensions: { __queryPlanExperimental: expect.stringContaining('Fetch(service: "accounts")') },
      });
    } finally {
      await gateway.close();
    }
  });
});

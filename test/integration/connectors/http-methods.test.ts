import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../src/server/start.js';
import { postGraphQL } from '../../helpers/gateway.js';
import { signHs256 } from '../../helpers/jwt.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type RestService,
} from '../../helpers/rest-services.js';

// A "notes" REST service mapped with one connector per HTTP method. Every template kind is used:
// path, query, header (`value` over $config/$context/$request, and `from:`) and JSON bodies.
const sdl = `${connectorSchemaHeader(['notes'])}

type Note { id: ID! title: String tags: [String] owner: String }

type Query {
  note(id: ID!, fields: String): Note
    @connect(
      source: "notes"
      http: {
        GET: "/notes/{$args.id}?fields={$args.fields}&tenant={$context.tenant}&v={$config.apiVersion}"
        headers: [
          { name: "x-api-key", value: "{$config.apiKey}" }
          { name: "x-caller", value: "user:{$context.subject}" }
          { name: "x-scope", value: "{$context.claims.scope}" }
          { name: "x-trace", from: "x-trace-id" }
          { name: "x-lang", value: "{$request.headers.'accept-language'->first}" }
          { name: "x-auth-copy", value: "{$request.headers.authorization->first}" }
        ]
      }
      selection: "id title tags owner"
    )
}

type Mutation {
  createNote(title: String!, tags: [String!]): Note
    @connect(
      source: "notes"
      http: {
        POST: "/notes?by={$context.subject}"
        body: """
        title: $args.title
        tags: $args.tags
        meta: { source: $("gatehouse") version: $config.apiVersion }
        """
      }
      selection: "id title tags owner"
    )
  replaceNote(id: ID!, title: String!): Note
    @connect(
      source: "notes"
      http: { PUT: "/notes/{$args.id}", body: "title: $args.title tags: $([])" }
      selection: "id title tags owner"
    )
  renameNote(id: ID!, title: String!): Note
    @connect(
      source: "notes"
      http: { PATCH: "/notes/{$args.id}", body: "title: $args.title" }
      selection: "id title tags owner"
    )
  deleteNote(id: ID!, reason: String): Boolean
    @connect(
      source: "notes"
      http: { DELETE: "/notes/{$args.id}?reason={$args.reason}" }
      selection: "$.deleted"
    )
}
`;

const SECRET = 'connector-tests-shared-secret-of-32-chars-or-more';
const ISSUER = 'https://idp.connectors.test';

let notes: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  notes = await startRestService((app) => {
    const echo = (id: string, body: unknown, owner: string) => ({
      id,
      title: (body as { title?: string } | undefined)?.title ?? `note ${id}`,
      tags: (body as { tags?: string[] } | undefined)?.tags ?? ['a', 'b'],
      owner,
    });
    app.get<{ Params: { id: string } }>('/notes/:id', async (request) =>
      echo(request.params.id, undefined, 'alice'),
    );
    app.post('/notes', async (request, reply) => reply.code(201).send(echo('n-new', request.body, 'bob')));
    app.put<{ Params: { id: string } }>('/notes/:id', async (request) =>
      echo(request.params.id, request.body, 'carol'),
    );
    app.patch<{ Params: { id: string } }>('/notes/:id', async (request) =>
      echo(request.params.id, request.body, 'dave'),
    );
    app.delete('/notes/:id', async () => ({ deleted: true }));
  });
  gateway = await startConnectorGateway({
    rest: [
      {
        name: 'notes',
        sdl,
        sources: { notes: { baseURL: notes.url, headers: { 'x-from-config': 'cfg-header' } } },
        config: { apiKey: 'k-123 secret', apiVersion: '2024-01' },
      },
    ],
    overrides: {
      auth: {
        jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] },
        apiKeys: {},
      },
      store: { sqlite: ':memory:' },
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  await notes?.close();
});

beforeEach(() => {
  notes.calls.length = 0;
});

const token = signHs256(SECRET, { tenant: 'acme', scope: 'notes:read' }, { issuer: ISSUER, subject: 'u-42' });
const asUser = { authorization: `Bearer ${token}` };

describe('a connector for each HTTP method', () => {
  it('GET: path, query and header templates over $args, $config, $context and $request', async () => {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ note(id: "n1", fields: "title,tags") { id title tags owner } }' },
      { ...asUser, 'x-trace-id': 'trace-9', 'accept-language': 'fr-CH' },
    );
    expect(response.body).toEqual({
      data: { note: { id: 'n1', title: 'note n1', tags: ['a', 'b'], owner: 'alice' } },
    });
    expect(notes.calls).toHaveLength(1);
    const [call] = notes.calls;
    expect(call?.method).toBe('GET');
    expect(call?.url).toBe('/notes/n1?fields=title%2Ctags&tenant=acme&v=2024-01');
    expect(call?.headers).toMatchObject({
      'x-api-key': 'k-123 secret',
      'x-caller': 'user:u-42',
      'x-scope': 'notes:read',
      'x-trace': 'trace-9',
      'x-lang': 'fr-CH',
      // As on Apollo Router, each $request header is a list of values.
      'x-auth-copy': `Bearer ${token}`,
      'x-from-config': 'cfg-header',
    });
    // The client's own credentials are not forwarded unless a header says so.
    expect(call?.headers.authorization).toBeUndefined();
  });

  it('GET without a caller: $context values are empty, `from:` headers are left out', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: '{ note(id: "n2") { id } }' });
    expect(response.body).toEqual({ data: { note: { id: 'n2' } } });
    const [call] = notes.calls;
    expect(call?.url).toBe('/notes/n2?fields=&tenant=&v=2024-01');
    expect(call?.headers['x-caller']).toBe('user:');
    expect(call?.headers['x-trace']).toBeUndefined();
  });

  it('POST: a JSON body built from $args, literals and $config; the caller in the query', async () => {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      {
        query:
          'mutation { createNote(title: "Hello \\"world\\"", tags: ["x", "y"]) { id title tags owner } }',
      },
      asUser,
    );
    expect(response.body).toEqual({
      data: { createNote: { id: 'n-new', title: 'Hello "world"', tags: ['x', 'y'], owner: 'bob' } },
    });
    const [call] = notes.calls;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/notes?by=u-42');
    expect(call?.headers['content-type']).toMatch(/^application\/json/);
    expect(call?.body).toEqual({
      title: 'Hello "world"',
      tags: ['x', 'y'],
      meta: { source: 'gatehouse', version: '2024-01' },
    });
  });

  it('POST: an argument left out is left out of the body', async () => {
    await postGraphQL(gateway.graphqlUrl, { query: 'mutation { createNote(title: "t") { id } }' });
    expect(notes.calls[0]?.body).toEqual({ title: 't', meta: { source: 'gatehouse', version: '2024-01' } });
  });

  it('PUT: the body replaces the resource', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: 'mutation { replaceNote(id: "n3", title: "New") { id title tags owner } }',
    });
    expect(response.body).toEqual({
      data: { replaceNote: { id: 'n3', title: 'New', tags: [], owner: 'carol' } },
    });
    expect(notes.calls.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'PUT', url: '/notes/n3', body: { title: 'New', tags: [] } },
    ]);
  });

  it('PATCH: a partial body', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: 'mutation { renameNote(id: "n4", title: "Renamed") { id title owner } }',
    });
    expect(response.body).toEqual({ data: { renameNote: { id: 'n4', title: 'Renamed', owner: 'dave' } } });
    expect(notes.calls.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'PATCH', url: '/notes/n4', body: { title: 'Renamed' } },
    ]);
  });

  it('DELETE: path and query, no body; the selection maps a scalar', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: 'mutation { deleteNote(id: "n5", reason: "spam") }',
    });
    expect(response.body).toEqual({ data: { deleteNote: true } });
    const [call] = notes.calls;
    expect(call?.method).toBe('DELETE');
    expect(call?.url).toBe('/notes/n5?reason=spam');
    expect(call?.body).toBeUndefined();
    expect(call?.headers['content-type']).toBeUndefined();
  });

  it('identical mutations in one request are each sent: a mutation is never de-duplicated', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: `mutation {
        a: createNote(title: "same") { id }
        b: createNote(title: "same") { id }
        c: deleteNote(id: "9")
        d: deleteNote(id: "9")
      }`,
    });
    expect(response.body).toEqual({ data: { a: { id: 'n-new' }, b: { id: 'n-new' }, c: true, d: true } });
    expect(notes.calls.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /notes?by=',
      'POST /notes?by=',
      'DELETE /notes/9?reason=',
      'DELETE /notes/9?reason=',
    ]);
  });

  it('mutations run in order, one request each', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, {
      query: `mutation {
        a: renameNote(id: "1", title: "one") { id }
        b: deleteNote(id: "1")
        c: renameNote(id: "1", title: "two") { id }
      }`,
    });
    expect(response.body).toEqual({ data: { a: { id: '1' }, b: true, c: { id: '1' } } });
    expect(notes.calls.map(({ method, body }) => [method, body])).toEqual([
      ['PATCH', { title: 'one' }],
      ['DELETE', undefined],
      ['PATCH', { title: 'two' }],
    ]);
  });
});

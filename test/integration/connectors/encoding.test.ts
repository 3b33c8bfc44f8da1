import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../src/server/start.js';
import { postGraphQL } from '../../helpers/gateway.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type GraphQLBody,
  type RestService,
} from '../../helpers/rest-services.js';

// Values are URL-encoded in paths and queries, JSON-encoded in bodies and kept to one line in
// headers: whatever a client sends, it stays in its slot.
const sdl = `${connectorSchemaHeader(['api'])}

type Echo { value: String tag: String keys: [String] }

type Query {
  item(id: String!, tag: String): Echo
    @connect(
      source: "api"
      http: { GET: "/items/{$args.id}?tag={$args.tag}", headers: [{ name: "x-tag", value: "t={$args.tag}" }] }
      selection: "value tag keys"
    )
  file(dir: String!, name: String!): Echo
    @connect(source: "api", http: { GET: "/files/{$args.dir}/{$args.name}" }, selection: "value keys")
  search(q: String!, page: Int): Echo
    @connect(source: "api", http: { GET: "/search?q={$args.q}&page={$args.page}" }, selection: "value keys")
}

type Mutation {
  save(value: String!): Echo
    @connect(source: "api", http: { POST: "/save", body: "value: $args.value" }, selection: "value keys")
}
`;

const HOSTILE = [
  'a/b',
  'a/../../admin',
  '../admin',
  'q?x=1',
  'x&admin=true',
  'frag#ment',
  '100%',
  '%2e%2e%2fadmin',
  'k=v',
  'a+b',
  'two words',
  'é✓',
  '"quoted"\\',
  '\u{1F600} emoji',
];

let api: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  api = await startRestService((app) => {
    app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
      '/items/:id',
      async (request) => ({
        value: request.params.id,
        tag: request.query.tag,
        keys: Object.keys(request.query),
      }),
    );
    app.get<{ Params: { dir: string; name: string } }>('/files/:dir/:name', async (request) => ({
      value: `${request.params.dir}|${request.params.name}`,
      keys: Object.keys(request.params),
    }));
    app.get<{ Querystring: Record<string, string> }>('/search', async (request) => ({
      value: request.query.q,
      keys: Object.keys(request.query),
    }));
    app.post('/save', async (request) => ({
      value: (request.body as { value: string }).value,
      keys: Object.keys(request.body as object),
    }));
    app.get('/admin', async () => ({ value: 'ADMIN' }));
    app.get('/*', async (_request, reply) => reply.code(404).send({ value: 'not found' }));
  });
  gateway = await startConnectorGateway({ rest: [{ name: 'hostile', sdl, sources: { api: api.url } }] });
});

afterAll(async () => {
  await gateway?.close();
  await api?.close();
});

beforeEach(() => {
  api.calls.length = 0;
});

async function query(text: string, variables: Record<string, unknown>): Promise<GraphQLBody> {
  return (await postGraphQL(gateway.graphqlUrl, { query: text, variables })).body as GraphQLBody;
}

function expectNoAdmin() {
  expect(api.calls.filter((call) => call.route === '/admin' || call.route === '/*')).toEqual([]);
}

describe('hostile values in URL templates', () => {
  it.each(HOSTILE)('a path slot receives exactly %j', async (value) => {
    const body = await query('query ($v: String!) { item(id: $v, tag: "t") { value tag keys } }', {
      v: value,
    });
    expect(body).toEqual({ data: { item: { value, tag: 't', keys: ['tag'] } } });
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.route).toBe('/items/:id');
    expect(api.calls[0]?.url).toBe(`/items/${encodeURIComponent(value)}?tag=t`);
  });

  it.each(HOSTILE)('a query slot receives exactly %j and adds no parameter', async (value) => {
    const body = await query('query ($v: String!) { search(q: $v, page: 2) { value keys } }', { v: value });
    expect(body).toEqual({ data: { search: { value, keys: ['q', 'page'] } } });
    expect(api.calls.map((call) => call.route)).toEqual(['/search']);
  });

  it('two path slots stay two segments', async () => {
    const body = await query('query ($d: String!, $n: String!) { file(dir: $d, name: $n) { value keys } }', {
      d: '../../admin',
      n: 'x/y?z#w',
    });
    expect(body).toEqual({ data: { file: { value: '../../admin|x/y?z#w', keys: ['dir', 'name'] } } });
    expectNoAdmin();
  });

  it('a slot that is exactly ".." or "." is refused: nothing is sent', async () => {
    for (const value of ['..', '.', '%2e%2e']) {
      api.calls.length = 0;
      const body = await query('query ($d: String!) { file(dir: $d, name: "admin") { value } }', {
        d: value,
      });
      if (value === '%2e%2e') {
        // Encoded again, it is an ordinary name.
        expect(body).toEqual({ data: { file: { value: '%2e%2e|admin' } } });
        continue;
      }
      expect(body.data).toEqual({ file: null });
      expect(body.errors?.[0]?.path).toEqual(['file']);
      expect(api.calls).toEqual([]);
    }
    await query('query { item(id: "..", tag: "t") { value } }', {});
    expectNoAdmin();
  });

  it('a value in a query slot can be a query-looking string with unicode', async () => {
    const value = 'é✓&page=999&q=evil';
    const body = await query('query ($v: String!) { search(q: $v) { value keys } }', { v: value });
    expect(body).toEqual({ data: { search: { value, keys: ['q', 'page'] } } });
    expect(api.calls[0]?.query).toEqual({ q: value, page: '' });
  });
});

describe('hostile values in headers and bodies', () => {
  it('CR and LF cannot add a header', async () => {
    const body = await query('query ($t: String) { item(id: "1", tag: $t) { value } }', {
      t: 'a\r\nx-injected: yes',
    });
    expect(body).toEqual({ data: { item: { value: '1' } } });
    const headers = api.calls[0]?.headers ?? {};
    expect(headers['x-injected']).toBeUndefined();
    expect(headers['x-tag']).toBe('t=ax-injected: yes');
  });

  it('a value an HTTP header cannot carry: the connector is not called, the error says why', async () => {
    const body = await query('query ($t: String) { item(id: "1", tag: $t) { value } }', { t: 'é✓' });
    expect(body.data).toEqual({ item: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['item'],
        message: expect.stringContaining('header "x-tag"'),
        extensions: expect.objectContaining({ connector: { coordinate: 'hostile:Query.item@connect[0]' } }),
      }),
    ]);
    expect(api.calls).toEqual([]);
    // Latin-1 text is fine.
    expect(await query('query ($t: String) { item(id: "1", tag: $t) { tag } }', { t: 'café' })).toEqual({
      data: { item: { tag: 'café' } },
    });
  });

  it.each(HOSTILE)('a JSON body carries exactly %j', async (value) => {
    const body = await query('mutation ($v: String!) { save(value: $v) { value keys } }', { v: value });
    expect(body).toEqual({ data: { save: { value, keys: ['value'] } } });
    expect(api.calls[0]?.body).toEqual({ value });
  });

  it('a body value that looks like JSON stays a string', async () => {
    const value = '", "admin": true, "x": "';
    const body = await query('mutation ($v: String!) { save(value: $v) { value keys } }', { v: value });
    expect(body).toEqual({ data: { save: { value, keys: ['value'] } } });
  });
});

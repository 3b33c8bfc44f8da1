import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { postGraphQL } from '../helpers/gateway.js';
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
 * Header rules as a user configures them, through HTTP, on both executors: what a GraphQL subgraph
 * and a REST service behind a connector receive.
 */

const SECRET = 'header-rules-shared-secret-of-32-chars-or-more';
const ISSUER = 'https://idp.headers.test';
const NOTES_SDL = `${connectorSchemaHeader(['notes'])}
type Note { id: ID! }
type Query { note(id: ID!): Note @connect(source: "notes", http: { GET: "/notes/{$args.id}" }, selection: "id") }
`;

let accountsService: RunningService;
let proxy: RecordingProxy;
let notes: RestService;

beforeAll(async () => {
  accountsService = await serveSubgraph(accounts);
  proxy = await recordingProxy(accountsService.url);
  notes = await startRestService((app) => {
    app.get<{ Params: { id: string } }>('/notes/:id', async (request) => ({ id: request.params.id }));
  });
});

afterAll(async () => {
  await Promise.all([proxy?.close(), notes?.close()]);
  await accountsService?.close();
});

describe.each(['gatehouse', 'apollo'] as const)('header rules on the %s executor', (engine) => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startConnectorGateway({
      rest: [{ name: 'notes', sdl: NOTES_SDL, sources: { notes: notes.url } }],
      graphql: [{ name: 'accounts', url: proxy.url }],
      overrides: {
        execution: { engine },
        auth: { jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] } },
        headers: {
          all: [
            { propagate: { named: 'x-request-id' } },
            { propagate: { named: 'x-client', rename: 'x-client-name', default: 'web' } },
            { insert: { name: 'x-gateway', value: 'gatehouse' } },
            { insert: { name: 'x-user', fromClaim: 'subject' } },
          ],
          subgraphs: {
            notes: [{ remove: { named: 'x-request-id' } }, { insert: { name: 'x-source', value: 'notes' } }],
          },
        },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => {
    proxy.headers.length = 0;
    notes.calls.length = 0;
  });

  async function received(headers: Record<string, string>) {
    const response = await postGraphQL(
      gateway.graphqlUrl,
      { query: '{ motd note(id: "n1") { id } }' },
      headers,
    );
    expect(response.body).toEqual({ data: { motd: 'hello', note: { id: 'n1' } } });
    const pick = (seen: Record<string, unknown> | undefined) =>
      Object.fromEntries(
        ['x-request-id', 'x-client-name', 'x-gateway', 'x-user', 'x-source'].map((name) => [
          name,
          seen?.[name],
        ]),
      );
    return { graphql: pick(proxy.headers[0]), rest: pick(notes.calls[0]?.headers) };
  }

  it('propagate, rename, default and insert for every subgraph; remove and insert for one', async () => {
    const token = signHs256(SECRET, {}, { issuer: ISSUER, subject: 'u1' });
    expect(
      await received({ authorization: `Bearer ${token}`, 'x-request-id': 'r1', 'x-user': 'admin' }),
    ).toEqual({
      graphql: {
        'x-request-id': 'r1',
        'x-client-name': 'web',
        'x-gateway': 'gatehouse',
        'x-user': 'u1',
        'x-source': undefined,
      },
      rest: {
        'x-request-id': undefined,
        'x-client-name': 'web',
        'x-gateway': 'gatehouse',
        'x-user': 'u1',
        'x-source': 'notes',
      },
    });
  });

  it('never passes on a client-sent copy of a header filled from a claim', async () => {
    const { graphql, rest } = await received({ 'x-user': 'admin', 'x-client': 'cli' });
    expect([graphql['x-user'], rest['x-user']]).toEqual([undefined, undefined]);
    expect([graphql['x-client-name'], rest['x-client-name']]).toEqual(['cli', 'cli']);
  });
});

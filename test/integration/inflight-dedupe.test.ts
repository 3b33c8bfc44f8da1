import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import {
  startRecordingSubgraph,
  type RecordingContext,
  type RecordingSubgraph,
} from '../helpers/recording-subgraph.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type RestService,
} from '../helpers/rest-services.js';

/*
 * In-flight de-duplication through HTTP, on both executors: identical concurrent subgraph queries
 * are sent once, and every client request still gets its own, correct answer.
 */

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://issuer.test';
const FEDERATION = (imports: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: [${imports}])`;
/** Long enough for 50 concurrent client requests to reach the gateway while the first call waits. */
const SLOW_MS = 400;

const VENDORS = [
  { id: 'v1', name: 'Acme', country: 'FR', owner: 'o1' },
  { id: 'v2', name: 'Globex', country: 'DE', owner: 'o2' },
];
const PRODUCTS = [
  { upc: 'p1', vendor: 'v1' },
  { upc: 'p2', vendor: 'v2' },
];
const BIOS: Record<string, string> = { o1: 'Founded Acme', o2: 'Runs Globex' };

let bumps = 0;

/** Products and who is asking: slow, so that concurrent calls overlap. */
async function startCatalog(): Promise<RecordingSubgraph> {
  return startRecordingSubgraph({
    name: 'catalog',
    delayMs: SLOW_MS,
    sdl: `${FEDERATION('"@key"')}
      type Query { products: [Product!]! viewer: String! }
      type Mutation { bump: Int! }
      type Product @key(fields: "upc") { upc: String! vendor: Vendor! }
      type Vendor @key(fields: "id", resolvable: false) { id: ID! }`,
    resolvers: {
      Query: {
        products: () => PRODUCTS.map(({ upc, vendor }) => ({ upc, vendor: { id: vendor } })),
        viewer: (_: unknown, _args: unknown, context: unknown) =>
          String((context as RecordingContext).headers['x-user-id'] ?? 'anonymous'),
      },
      Mutation: { bump: () => ++bumps },
    },
  });
}

/** Vendors: `country` answers 100 ms after `name`. */
async function startVendors(): Promise<RecordingSubgraph> {
  const find = ({ id }: { id: string }) => VENDORS.find((vendor) => vendor.id === id);
  return startRecordingSubgraph({
    name: 'vendors',
    sdl: `${FEDERATION('"@key"')}
      type Vendor @key(fields: "id") { id: ID! name: String! country: String! owner: Person! }
      type Person @key(fields: "id", resolvable: false) { id: ID! }`,
    resolvers: {
      Vendor: {
        __resolveReference: find,
        country: async (vendor: { country: string }) => {
          await sleep(100);
          return vendor.country;
        },
        owner: (vendor: { owner: string }) => ({ id: vendor.owner }),
      },
    },
  });
}

/** People: slow, so that a request waiting for them shapes its response last. */
async function startPeople(): Promise<RecordingSubgraph> {
  return startRecordingSubgraph({
    name: 'people',
    delayMs: SLOW_MS,
    sdl: `${FEDERATION('"@key"')}
      type Person @key(fields: "id") { id: ID! bio: String! }`,
    resolvers: {
      Person: { __resolveReference: ({ id }: { id: string }) => ({ id, bio: BIOS[id] }) },
    },
  });
}

const bearer = (subject: string) => ({
  authorization: `Bearer ${signHs256(SECRET, {}, { issuer: ISSUER, subject })}`,
});

/** Sends `count` copies of a request at once. */
function concurrently<T>(count: number, send: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => send(index)));
}

describe.each(['gatehouse', 'apollo'] as const)('in-flight de-duplication, %s executor', (engine) => {
  let catalog: RecordingSubgraph;
  let vendors: RecordingSubgraph;
  let people: RecordingSubgraph;
  let gateway: RunningGateway;
  let withoutDedupe: RunningGateway;

  beforeAll(async () => {
    [catalog, vendors, people] = await Promise.all([startCatalog(), startVendors(), startPeople()]);
    const overrides = {
      execution: { engine },
      auth: {
        jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] },
        forwardClaims: [{ claim: 'subject', header: 'x-user-id' }],
      },
    };
    [gateway, withoutDedupe] = await Promise.all([
      startTestGateway([catalog, vendors, people], overrides),
      startTestGateway([catalog, vendors, people], { ...overrides, transport: { dedupeInflight: false } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), withoutDedupe?.close()]);
    await Promise.all([catalog?.close(), vendors?.close(), people?.close()]);
  });

  beforeEach(() => {
    for (const subgraph of [catalog, vendors, people]) subgraph.requests.length = 0;
  });

  it('sends 50 concurrent identical requests to each subgraph once per fetch', async () => {
    const query = '{ products { upc vendor { name } } }';
    const responses = await concurrently(50, () => postGraphQL(gateway.graphqlUrl, { query }));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: {
          products: [
            { upc: 'p1', vendor: { name: 'Acme' } },
            { upc: 'p2', vendor: { name: 'Globex' } },
          ],
        },
      });
    }
    expect(catalog.operations()).toHaveLength(1);
    expect(vendors.operations()).toHaveLength(1);
  });

  it('gives requests with other selections and aliases that share a call answers of their own', async () => {
    // Both plans start with the same catalog fetch. `byName` then merges `x` (the name) into the
    // vendors of that answer and waits 400 ms for people; meanwhile `byCountry` merges its own `x`
    // (the country) 100 ms later. Were the answer's objects shared, `byName` would show countries.
    const byName = '{ products { upc vendor { x: name owner { bio } } } }';
    const byCountry = '{ products { upc vendor { x: country } } }';
    const responses = await concurrently(20, (index) =>
      postGraphQL(gateway.graphqlUrl, { query: index % 2 === 0 ? byName : byCountry }),
    );
    responses.forEach((response, index) => {
      expect(response.body).toEqual(
        index % 2 === 0
          ? {
              data: {
                products: [
                  { upc: 'p1', vendor: { x: 'Acme', owner: { bio: 'Founded Acme' } } },
                  { upc: 'p2', vendor: { x: 'Globex', owner: { bio: 'Runs Globex' } } },
                ],
              },
            }
          : {
              data: {
                products: [
                  { upc: 'p1', vendor: { x: 'FR' } },
                  { upc: 'p2', vendor: { x: 'DE' } },
                ],
              },
            },
      );
    });
    // One catalog call served all twenty; the vendors fetches differ, so each was sent once.
    expect(catalog.operations()).toHaveLength(1);
    expect(vendors.operations()).toHaveLength(2);
    expect(people.operations()).toHaveLength(1);
  });

  it('never shares between principals whose forwarded headers differ; the same principal shares', async () => {
    const subjects = ['alice', 'bob'];
    const responses = await concurrently(20, (index) =>
      postGraphQL(gateway.graphqlUrl, { query: '{ viewer }' }, bearer(subjects[index % 2] as string)),
    );
    responses.forEach((response, index) => {
      expect(response.body).toEqual({ data: { viewer: subjects[index % 2] } });
    });
    const sent = catalog.operations().map((request) => request.headers['x-user-id']);
    expect(sent.sort()).toEqual(['alice', 'bob']);
  });

  it('never shares between an anonymous caller and a signed-in one', async () => {
    const responses = await concurrently(10, (index) =>
      postGraphQL(gateway.graphqlUrl, { query: '{ viewer }' }, index % 2 === 0 ? {} : bearer('alice')),
    );
    responses.forEach((response, index) => {
      expect(response.body).toEqual({ data: { viewer: index % 2 === 0 ? 'anonymous' : 'alice' } });
    });
    expect(catalog.operations()).toHaveLength(2);
  });

  it('sends every mutation, however many identical ones are in flight', async () => {
    const before = bumps;
    const responses = await concurrently(50, () =>
      postGraphQL(gateway.graphqlUrl, { query: 'mutation { bump }' }),
    );
    const values = responses.map((response) => (response.body as { data: { bump: number } }).data.bump);
    expect(new Set(values).size).toBe(50);
    expect(bumps - before).toBe(50);
    expect(catalog.operations()).toHaveLength(50);
  });

  it('with transport.dedupeInflight off, sends all 50 identical requests', async () => {
    const query = '{ products { upc } }';
    const responses = await concurrently(50, () => postGraphQL(withoutDedupe.graphqlUrl, { query }));
    for (const response of responses) {
      expect(response.body).toEqual({ data: { products: [{ upc: 'p1' }, { upc: 'p2' }] } });
    }
    expect(catalog.operations()).toHaveLength(50);
  });

  it('shares a failure, and each request reports it as its own error', async () => {
    catalog.failWith = 503;
    try {
      const responses = await concurrently(10, () =>
        postGraphQL(gateway.graphqlUrl, { query: '{ products { upc } }' }),
      );
      for (const response of responses) {
        expect(response.status).toBe(502);
        expect(response.body).toMatchObject({
          data: null,
          errors: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'catalog' } }],
        });
      }
      expect(catalog.operations()).toHaveLength(1);
    } finally {
      catalog.failWith = undefined;
    }
  });
});

describe('in-flight de-duplication and REST connector subgraphs', () => {
  let service: RestService;
  let gateway: RunningGateway;

  beforeAll(async () => {
    service = await startRestService((app) => {
      app.get('/greeting', async (request) => {
        await sleep(200);
        const { lang } = request.query as { lang?: string };
        return { text: lang === 'fr' ? 'bonjour' : 'hello' };
      });
    });
    gateway = await startConnectorGateway({
      rest: [
        {
          name: 'greetings',
          sdl: `${connectorSchemaHeader(['svc'], ['@key'])}
type Query {
  greeting: String
    @connect(source: "svc", http: { GET: "/greeting?lang={$request.headers.'accept-language'->first}" }, selection: "$.text")
}`,
          sources: { svc: service.url },
        },
      ],
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await service?.close();
  });

  it('never shares a connector call: it reads the client request ($request, $context), not only the headers sent', async () => {
    const languages = ['en', 'fr'];
    const responses = await concurrently(10, (index) =>
      postGraphQL(
        gateway.graphqlUrl,
        { query: '{ greeting }' },
        { 'accept-language': languages[index % 2] as string },
      ),
    );
    responses.forEach((response, index) => {
      expect(response.body).toEqual({ data: { greeting: index % 2 === 0 ? 'hello' : 'bonjour' } });
    });
    expect(service.callsTo('GET', '/greeting')).toHaveLength(10);
  });
});

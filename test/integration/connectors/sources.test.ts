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

// What a `@source` contributes (base URL with its own path and query, default headers) and how
// the gateway config overrides it; and a connector with an absolute URL and no source.
function schema(absoluteBase: string): string {
  return `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])
  @source(
    name: "v1"
    http: {
      baseURL: "http://v1.example.invalid/api/v1"
      headers: [
        { name: "x-source-key", value: "{$config.key}" }
        { name: "x-tenant", from: "x-tenant" }
        { name: "x-overridden", value: "from-source" }
      ]
    }
  )

type Ping { path: String query: String headers: String }

type Query {
  ping(id: ID!): Ping
    @connect(
      source: "v1"
      http: { GET: "/ping/{$args.id}?q=1", headers: [{ name: "x-overridden", value: "from-connector" }] }
      selection: "path query headers"
    )
  direct: Ping
    @connect(http: { GET: "${absoluteBase}/direct?x={$config.key}" }, selection: "path query headers")
}
`;
}

const config = { key: 'secret key/1' };
let service: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  service = await startRestService((app) => {
    app.get('/*', async (request) => ({
      path: request.raw.url?.split('?')[0],
      query: request.raw.url?.split('?')[1] ?? '',
      headers: JSON.stringify({
        key: request.headers['x-source-key'],
        tenant: request.headers['x-tenant'],
        overridden: request.headers['x-overridden'],
        config: request.headers['x-config-header'],
      }),
    }));
  });
  gateway = await startConnectorGateway({
    rest: [
      {
        name: 'pinger',
        sdl: schema(service.url),
        sources: {
          v1: { baseURL: `${service.url}/gateway/api/v1/?token=t%201`, headers: { 'x-config-header': 'c' } },
        },
        config,
      },
    ],
  });
});

afterAll(async () => {
  await gateway?.close();
  await service?.close();
});

beforeEach(() => {
  service.calls.length = 0;
});

async function query(text: string, headers: Record<string, string> = {}): Promise<GraphQLBody> {
  return (await postGraphQL(gateway.graphqlUrl, { query: text }, headers)).body as GraphQLBody;
}

describe('@source and its config override', () => {
  it("keeps the base URL's path prefix and query, and adds the source's headers", async () => {
    const body = await query('{ ping(id: "a b") { path query headers } }', { 'x-tenant': 'acme' });
    expect(body).toEqual({
      data: {
        ping: {
          path: '/gateway/api/v1/ping/a%20b',
          query: 'token=t%201&q=1',
          headers: JSON.stringify({
            key: 'secret key/1',
            tenant: 'acme',
            overridden: 'from-connector',
            config: 'c',
          }),
        },
      },
    });
  });

  it('a connector without a source calls its absolute URL', async () => {
    const body = await query('{ direct { path query } }');
    expect(body).toEqual({ data: { direct: { path: '/direct', query: 'x=secret%20key%2F1' } } });
  });
});

describe('config that names what the schema does not have', () => {
  it('an unknown source fails at boot, naming the config path', async () => {
    await expect(
      startConnectorGateway({
        rest: [{ name: 'pinger', sdl: schema(service.url), sources: { v2: service.url }, config }],
      }),
    ).rejects.toThrow(/connectors\.subgraphs\.pinger\.sources\.v2/);
  });

  it('an unknown connector subgraph fails at boot', async () => {
    await expect(
      startConnectorGateway({
        rest: [{ name: 'pinger', sdl: schema(service.url), config }],
        overrides: { connectors: { subgraphs: { pinger: { config }, nope: {} } } },
      }),
    ).rejects.toThrow(/connectors\.subgraphs\.nope/);
  });

  // Fails today (for the compose-time checks): Apollo requires the fields `$batch` reads to be in
  // the selection. Without them no result can be matched to its entity, and every one is null.
  it('a $batch connector whose selection leaves out the key it batches by fails at boot', async () => {
    const sdl = `${connectorSchemaHeader(['s'])}
type Product
  @key(fields: "upc")
  @connect(source: "s", http: { GET: "/stock?upc={$batch.upc->joinNotNull(',')}" }, selection: "quantity") {
  upc: String!
  quantity: Int
}
type Query { products: [Product] @connect(source: "s", http: { GET: "/products" }, selection: "upc") }
`;
    const outcome = await startConnectorGateway({
      rest: [{ name: 'stock', sdl, sources: { s: service.url } }],
    }).then(
      async (started) => {
        await started.close();
        return 'started';
      },
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ details: [expect.stringMatching(/stock\.graphql:\d+:\d+/)] });
  });

  it('a schema whose connector does not parse fails at boot, located in its file', async () => {
    const broken = schema(service.url).replace(
      'selection: "path query headers"\n    )\n  direct',
      'selection: "path {"\n    )\n  direct',
    );
    await expect(
      startConnectorGateway({ rest: [{ name: 'pinger', sdl: broken, config }] }),
    ).rejects.toMatchObject({
      details: [expect.stringMatching(/pinger\.graphql:\d+:\d+/)],
    });
  });
});

describe('`from:` headers', () => {
  it('match the client header whatever its case', async () => {
    const body = await query('{ ping(id: "1") { headers } }', { 'X-Tenant': 'Upper' });
    expect(JSON.parse(String((body.data?.ping as { headers: string }).headers))).toMatchObject({
      tenant: 'Upper',
    });
  });
});

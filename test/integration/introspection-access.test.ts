import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway, type GraphQLHttpResponse } from '../helpers/gateway.js';
import { signHs256 } from '../helpers/jwt.js';
import { startRecordingSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

/*
 * Introspection where it is off (stage prod): refused for anyone but the principals it is allowed
 * to (a scope, the admin token), decided on every request, and answered with the schema as the
 * caller may see it. Field suggestions are hidden in production stages.
 */

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://issuer.test';
const ADMIN_TOKEN = 'introspection-access-admin-token';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    supplierCost: Float @requiresScopes(scopes: [["finance"]])
  }
  type Query { products: [Product!]! }`;

const SCHEMA_QUERY = '{ __schema { queryType { name } } }';
const TYPE_QUERY = `
  query ProductFields { ...Fields }
  fragment Fields on Query { __type(name: "Product") { fields { name } } }`;

let shop: RecordingSubgraph;

beforeAll(async () => {
  shop = await startRecordingSubgraph({
    name: 'shop',
    sdl: SDL,
    resolvers: { Query: { products: () => [{ id: 'p1', name: 'Lamp', supplierCost: 3 }] } },
  });
});

afterAll(async () => {
  await shop?.close();
});

beforeEach(() => {
  shop.requests.length = 0;
});

const bearer = (scope: string) => ({
  authorization: `Bearer ${signHs256(SECRET, { scope }, { issuer: ISSUER })}`,
});

function expectCode(response: GraphQLHttpResponse, status: number, code: string): string {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const errors = (response.body as { errors?: { message: string; extensions?: { code?: string } }[] }).errors;
  expect(errors).toHaveLength(1);
  expect(errors?.[0]?.extensions?.code).toBe(code);
  return errors?.[0]?.message ?? '';
}

describe('introspection in a production stage', () => {
  let gateway: RunningGateway;
  const ask = (query: string, headers: Record<string, string> = {}) =>
    postGraphQL(gateway.graphqlUrl, { query }, headers);

  beforeAll(async () => {
    gateway = await startTestGateway([shop], {
      stage: 'prod',
      auth: {
        jwt: { issuers: [{ issuer: ISSUER, algorithms: ['HS256'], secret: SECRET }] },
        hideUnauthorizedInIntrospection: true,
      },
      registry: { tokens: [{ name: 'ops', token: ADMIN_TOKEN }] },
      security: { introspection: { scopes: ['schema:read'] } },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses an anonymous caller with INTROSPECTION_DISABLED, naming who may, and calls no subgraph', async () => {
    const message = expectCode(await ask(SCHEMA_QUERY), 403, 'INTROSPECTION_DISABLED');
    expect(message).toBe(
      'Introspection is off on this gateway (introspection: false); only a principal with scope schema:read or a request with an admin token may introspect.',
    );
    expectCode(await ask(TYPE_QUERY), 403, 'INTROSPECTION_DISABLED');
    expect(shop.operations()).toHaveLength(0);
  });

  it('refuses a principal without the scope', async () => {
    expectCode(await ask(SCHEMA_QUERY, bearer('products:read')), 403, 'INTROSPECTION_DISABLED');
  });

  it('answers a principal with the scope, with the schema as that principal may see it', async () => {
    const schema = await ask(SCHEMA_QUERY, bearer('schema:read'));
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const fields = await ask(TYPE_QUERY, bearer('schema:read'));
    expect(fields.body).toEqual({ data: { __type: { fields: [{ name: 'id' }, { name: 'name' }] } } });
    const everything = await ask(TYPE_QUERY, bearer('schema:read finance'));
    expect(everything.body).toEqual({
      data: { __type: { fields: [{ name: 'id' }, { name: 'name' }, { name: 'supplierCost' }] } },
    });
  });

  it('answers a request with the admin token', async () => {
    const response = await ask(SCHEMA_QUERY, { 'gatehouse-admin-token': ADMIN_TOKEN });
    expect(response.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expectCode(
      await ask(SCHEMA_QUERY, { 'gatehouse-admin-token': 'not-the-token' }),
      403,
      'INTROSPECTION_DISABLED',
    );
  });

  it('decides on every request, not once per cached document', async () => {
    // The same text, validated and cached for an allowed caller, is still refused to the next.
    expect((await ask(TYPE_QUERY, bearer('schema:read'))).status).toBe(200);
    expectCode(await ask(TYPE_QUERY), 403, 'INTROSPECTION_DISABLED');
    expect((await ask(TYPE_QUERY, { 'gatehouse-admin-token': ADMIN_TOKEN })).status).toBe(200);
  });

  it('lets anyone ask for __typename', async () => {
    const response = await ask('{ __typename products { __typename name } }');
    expect(response.body).toEqual({
      data: { __typename: 'Query', products: [{ __typename: 'Product', name: 'Lamp' }] },
    });
  });

  it('hides field suggestions', async () => {
    const message = expectCode(await ask('{ products { nme } }'), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(message).toBe('Cannot query field "nme" on type "Product".');
  });
});

describe('introspection outside production stages', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([shop]);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers anyone and suggests fields', async () => {
    const schema = await postGraphQL(gateway.graphqlUrl, { query: SCHEMA_QUERY });
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const typo = await postGraphQL(gateway.graphqlUrl, { query: '{ products { nme } }' });
    expect(expectCode(typo, 400, 'GRAPHQL_VALIDATION_FAILED')).toMatch(/Did you mean "name"\?/);
  });
});

describe('suggestions in a production stage with introspection on', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([shop], { stage: 'prod', introspection: true });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('are still hidden (security.hideSuggestions defaults to on in production stages)', async () => {
    const typo = await postGraphQL(gateway.graphqlUrl, { query: '{ products { nme } }' });
    expect(expectCode(typo, 400, 'GRAPHQL_VALIDATION_FAILED')).toBe(
      'Cannot query field "nme" on type "Product".',
    );
    const schema = await postGraphQL(gateway.graphqlUrl, { query: SCHEMA_QUERY });
    expect(schema.status).toBe(200);
  });
});

describe('introspection in a production stage with nobody allowed', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    // allowAdminToken is on by default, but no admin token is configured.
    gateway = await startTestGateway([shop], { stage: 'prod' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('is refused without naming a way in that does not exist', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, { query: SCHEMA_QUERY });
    expect(expectCode(response, 403, 'INTROSPECTION_DISABLED')).toBe(
      'Introspection is off on this gateway (introspection: false).',
    );
  });
});

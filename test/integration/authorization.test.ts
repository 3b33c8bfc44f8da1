import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { graphqlHandler } from '../../src/server/graphql-handler.js';
import { resolveConfig } from '../../src/config/load.js';
import {
  SupergraphRules,
  useAuthorization,
  type PolicyEvaluator,
} from '../../src/gateway/authorization/index.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import type { GatehouseContext } from '../../src/request-context.js';
import { useOperationResolution, useSubgraphFailureStatus } from '../../src/gateway/plugins.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { postGraphQL, type GraphQLHttpResponse } from '../helpers/gateway.js';
import { recordingProxy, type RecordingProxy } from './authorization/recording-proxy.js';
import { ACCOUNTS_SDL, REVIEWS_SDL, accounts, reviews } from './authorization/subgraphs.js';

/**
 * The authorization plugin in an Apollo pipeline like production's (ApolloGateway, the gateway's
 * plugins, Fastify), over two real subgraphs on loopback behind recording proxies. Until the
 * runtime installs the plugin, the principal comes from a test-only header.
 */

interface TestPrincipal {
  subject?: string;
  scopes?: string[];
  claims?: Record<string, unknown>;
}

const UNAUTHORIZED = {
  message: 'Unauthorized field or type',
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
};

let services: RunningService[] = [];
let proxies: { accounts: RecordingProxy; reviews: RecordingProxy };
let apollo: ApolloServer<GatehouseContext>;
let app: FastifyInstance;
let url: string;

const evaluator = vi.fn<PolicyEvaluator>(async (policies, principal) =>
  Object.fromEntries(
    policies.map((name) => [name, principal.kind === 'authenticated' && principal.claims['plan'] === 'gold']),
  ),
);

beforeAll(async () => {
  services = await Promise.all([serveSubgraph(accounts), serveSubgraph(reviews)]);
  const [accountsService, reviewsService] = services as [RunningService, RunningService];
  proxies = {
    accounts: await recordingProxy(accountsService.url),
    reviews: await recordingProxy(reviewsService.url),
  };
  const supergraph = composeSupergraph([
    { name: 'accounts', url: proxies.accounts.url, sdl: ACCOUNTS_SDL, origin: 'accounts' },
    { name: 'reviews', url: proxies.reviews.url, sdl: REVIEWS_SDL, origin: 'reviews' },
  ]);
  const config = resolveConfig(
    {
      supergraph: 'unused.graphql',
      auth: {
        policies: { support: { claims: { role: ['support', 'admin'] } }, billing: { authorizer: true } },
        hideUnauthorizedInIntrospection: true,
      },
    },
    { env: {}, source: 'test config' },
  );
  const rules = new SupergraphRules();
  const gateway = new ApolloGateway({ supergraphSdl: rules.prepare(supergraph) });
  gateway.onSchemaLoadOrUpdate((loaded) => rules.bind(loaded));
  apollo = new ApolloServer<GatehouseContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The operation layer of the gateway's plugin list, in its order.
    plugins: [
      useOperationResolution().operation,
      useAuthorization({
        rules: (schema) => rules.rulesFor(schema),
        auth: config.auth,
        policyEvaluator: evaluator,
      }),
      useSubgraphFailureStatus().operation,
    ].filter((plugin) => plugin !== undefined),
  });
  await apollo.start();
  app = Fastify();
  // TEST ONLY: stands in for the identity hook, which sets request.principal from real credentials.
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-test-principal'];
    if (typeof header === 'string') request.principal = principalOf(JSON.parse(header) as TestPrincipal);
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: graphqlHandler(apollo),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/graphql`;
});

afterAll(async () => {
  await app?.close();
  await apollo?.stop();
  await Promise.all([proxies?.accounts.close(), proxies?.reviews.close()]);
  await Promise.all(services.map((service) => service.close()));
});

beforeEach(() => {
  proxies.accounts.queries.length = 0;
  proxies.reviews.queries.length = 0;
  evaluator.mockClear();
});

function principalOf({ subject = 'u1', scopes = [], claims = {} }: TestPrincipal): Principal {
  return {
    kind: 'authenticated',
    source: 'jwt',
    subject,
    scopes: new Set(scopes),
    roles: new Set(),
    claims,
    credential: `test:${subject}`,
  };
}

async function query(text: string, principal?: TestPrincipal): Promise<GraphQLHttpResponse> {
  const headers: Record<string, string> = principal ? { 'x-test-principal': JSON.stringify(principal) } : {};
  return postGraphQL(url, { query: text }, headers);
}

describe('authorization from the schema, over HTTP', () => {
  it('answers with null and an error at the exact path of each removed field, and runs the rest', async () => {
    const response = await query('{ me { name } users { name email } motd }');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        me: null,
        users: [
          { name: 'Ada', email: null },
          { name: 'Grace', email: null },
        ],
        motd: 'hello',
      },
      errors: [
        { ...UNAUTHORIZED, path: ['me'] },
        { ...UNAUTHORIZED, path: ['users', '@', 'email'] },
      ],
    });
    expect(proxies.accounts.queries).toHaveLength(1);
    expect(proxies.accounts.queries[0]).not.toMatch(/\bme\b|email/);
  });

  it('never sends a removed field to its subgraph, nor a request that only had removed fields', async () => {
    const anonymous = await query('{ users { name reviews { body rating } privateNotes } }');
    expect(anonymous.body).toMatchObject({
      data: { users: [{ name: 'Ada', reviews: [{ body: 'Great', rating: null }], privateNotes: null }, {}] },
    });
    expect(proxies.reviews.queries).toHaveLength(1);
    expect(proxies.reviews.queries[0]).toContain('body');
    expect(proxies.reviews.queries[0]).not.toMatch(/rating|privateNotes/);

    proxies.accounts.queries.length = 0;
    proxies.reviews.queries.length = 0;
    const onlyRemoved = await query('{ users { name privateNotes } }', { scopes: [] });
    expect(onlyRemoved.body).toMatchObject({ data: { users: [{ name: 'Ada', privateNotes: null }, {}] } });
    expect(proxies.accounts.queries).toHaveLength(1);
    expect(proxies.reviews.queries).toEqual([]);
  });

  it('propagates the null of a removed non-null field to the nearest nullable parent', async () => {
    const response = await query('{ latestReviews { body stars } }');
    expect(response.body).toEqual({
      data: { latestReviews: [null, null] },
      errors: [{ ...UNAUTHORIZED, path: ['latestReviews', '@', 'stars'] }],
    });
    expect(proxies.reviews.queries[0]).not.toContain('stars');
  });

  it('runs with a variable whose only use was removed, and reports nothing @include left out', async () => {
    const text = 'query ($withMe: Boolean!) { motd me @include(if: $withMe) { name } }';
    const left = await postGraphQL(url, { query: text, variables: { withMe: false } });
    expect(left.body).toEqual({ data: { motd: 'hello' } });
    const asked = await postGraphQL(url, { query: text, variables: { withMe: true } });
    expect(asked.body).toEqual({
      data: { motd: 'hello', me: null },
      errors: [{ ...UNAUTHORIZED, path: ['me'] }],
    });
  });

  it('refuses with 403 and runs nothing when every requested field is removed', async () => {
    const response = await query('{ me { name } internal { note } }');
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      errors: [
        {
          message: 'Not authorized to query any of the requested fields.',
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
    expect(proxies.accounts.queries).toEqual([]);
    expect(proxies.reviews.queries).toEqual([]);
  });

  it.each([
    { scopes: ['read:email'], email: 'ada@example.com' },
    { scopes: ['admin'], email: null },
    { scopes: ['read:pii'], email: null },
    { scopes: ['admin', 'read:pii'], email: 'ada@example.com' },
  ])('reads scopes as OR of ANDs: $scopes', async ({ scopes, email }) => {
    const response = await query('{ me { name email } }', { scopes });
    expect(response.body).toMatchObject({ data: { me: { name: 'Ada', email } } });
    expect(proxies.accounts.queries[0]?.includes('email')).toBe(email !== null);
  });

  it('applies a type-level directive to the fields returning the type', async () => {
    const anonymous = await query('{ internal { note } motd }');
    expect(anonymous.body).toEqual({
      data: { internal: null, motd: 'hello' },
      errors: [{ ...UNAUTHORIZED, path: ['internal'] }],
    });
    const member = await query('{ internal { note } motd }', {});
    expect(member.body).toEqual({ data: { internal: { note: 'staff only' }, motd: 'hello' } });
  });

  it('asks, for an interface field, what every implementation asks', async () => {
    const response = await query('{ accounts { id contact } }', {});
    expect(response.body).toEqual({
      data: {
        accounts: [
          { id: 'a1', contact: null },
          { id: 'a2', contact: null },
        ],
      },
      errors: [{ ...UNAUTHORIZED, path: ['accounts', '@', 'contact'] }],
    });
    const finance = await query('{ accounts { id contact } }', { scopes: ['finance'] });
    expect(finance.body).toEqual({
      data: {
        accounts: [
          { id: 'a1', contact: 'ada@home' },
          { id: 'a2', contact: 'cfo@corp' },
        ],
      },
    });
  });

  it('removes a field under a type condition only from objects of that type', async () => {
    const response = await query('{ accounts { id owner ... on Business { revenue } } }', {});
    expect(response.body).toEqual({
      data: {
        accounts: [
          { id: 'a1', owner: 'Ada' },
          { id: 'a2', owner: 'Grace', revenue: null },
        ],
      },
      errors: [{ ...UNAUTHORIZED, path: ['accounts', '@', 'revenue'] }],
    });
    expect(proxies.accounts.queries[0]).not.toContain('revenue');
  });

  it('removes the fields of a union member the caller may not see', async () => {
    const text = '{ search { __typename ... on User { name } ... on AuditLog { id action } } }';
    const response = await query(text, {});
    expect(response.body).toEqual({
      data: {
        search: [
          { __typename: 'User', name: 'Grace' },
          { __typename: 'AuditLog', id: null, action: null },
        ],
      },
      errors: [
        { ...UNAUTHORIZED, path: ['search', '@', 'id'] },
        { ...UNAUTHORIZED, path: ['search', '@', 'action'] },
      ],
    });
    expect(proxies.accounts.queries[0]).not.toContain('action');
    const auditor = await query(text, { scopes: ['audit'] });
    expect(auditor.body).toEqual({
      data: {
        search: [
          { __typename: 'User', name: 'Grace' },
          { __typename: 'AuditLog', id: 'l1', action: 'login' },
        ],
      },
    });
  });

  it('decides policies from claims rules and from the authorizer, asked once per request', async () => {
    const text = '{ users { name ssn creditLimit } me { name creditLimit } }';
    const support = await query(text, { claims: { role: 'support' } });
    expect(support.body).toMatchObject({
      data: { users: [{ ssn: '111', creditLimit: null }, { ssn: '222' }], me: { creditLimit: null } },
    });
    expect(evaluator).toHaveBeenCalledTimes(1);
    expect(evaluator.mock.calls[0]?.[0]).toEqual(['billing']);
    const gold = await query(text, { claims: { role: 'viewer', plan: 'gold' } });
    expect(gold.body).toMatchObject({
      data: { users: [{ ssn: null, creditLimit: 100 }, { creditLimit: 200 }], me: { creditLimit: 100 } },
      errors: [{ ...UNAUTHORIZED, path: ['users', '@', 'ssn'] }],
    });
    expect(evaluator).toHaveBeenCalledTimes(2);
  });

  it('never serves one caller the plan filtered for another', async () => {
    const text = '{ users { name email } }';
    const expectEmails = async (principal: TestPrincipal | undefined, emails: (string | null)[]) => {
      const response = await query(text, principal);
      const users = (response.body as { data: { users: { email: string | null }[] } }).data.users;
      expect(users.map((user) => user.email)).toEqual(emails);
    };
    await expectEmails(undefined, [null, null]);
    await expectEmails({ scopes: ['read:email'] }, ['ada@example.com', 'grace@example.com']);
    await expectEmails(undefined, [null, null]);
    await expectEmails({ scopes: ['read:email'] }, ['ada@example.com', 'grace@example.com']);
  });

  it('hides from introspection what the caller may not query', async () => {
    const text = `{
      user: __type(name: "User") { fields { name } }
      __schema { types { name } }
    }`;
    const names = (response: GraphQLHttpResponse) => {
      const data = (
        response.body as { data: Record<string, { fields?: { name: string }[]; types?: { name: string }[] }> }
      ).data;
      return {
        fields: data['user']?.fields?.map((field) => field.name),
        types: data['__schema']?.types?.map((type) => type.name) ?? [],
      };
    };
    const anonymous = names(await query(text));
    expect(anonymous.fields).toEqual(['id', 'name', 'reviews']);
    expect(anonymous.types).not.toContain('AuditLog');
    expect(anonymous.types).not.toContain('Internal');
    const everything = names(
      await query(text, {
        scopes: ['read:email', 'notes', 'audit'],
        claims: { role: 'admin', plan: 'gold' },
      }),
    );
    expect(everything.fields).toEqual([
      'id',
      'name',
      'email',
      'ssn',
      'creditLimit',
      'reviews',
      'privateNotes',
    ]);
    expect(everything.types).toEqual(expect.arrayContaining(['AuditLog', 'Internal']));
  });
});

import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { jwtCredential } from '../../../src/auth/jwt.js';
import { ANONYMOUS, type AuthenticatedPrincipal, type Principal } from '../../../src/auth/principal.js';
import type { AuthConfig } from '../../../src/config/auth-schema.js';
import type { HeadersConfig } from '../../../src/config/headers-schema.js';
import { resolveConfig } from '../../../src/config/load.js';
import type { SubgraphCall } from '../../../src/execution/transport/subgraph-call.js';
import { useHeaderRules } from '../../../src/subgraph-calls/header-rules.js';

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';

function auth(settings: Record<string, unknown>) {
  return resolveConfig({ auth: settings }, { env: {} }).auth;
}

function rules(headers: Record<string, unknown>) {
  return resolveConfig({ headers }, { env: {} }).headers;
}

const NO_RULES: HeadersConfig = { all: [], subgraphs: {} };

/** The headers a subgraph call to `subgraph` gets from the header-rules plugin. */
function headersSent(
  principal: Principal | undefined,
  request: { headers: IncomingHttpHeaders },
  settings: AuthConfig,
  headers: HeadersConfig = NO_RULES,
  subgraph = 'accounts',
): Record<string, string> {
  const plugin = useHeaderRules(headers, settings);
  const call: SubgraphCall = {
    subgraph,
    kind: 'query',
    body: '{"query":"{ me { id } }"}',
    headers: {},
    context: { request: { ...request, principal } as unknown as FastifyRequest },
  };
  if (plugin?.subgraphCall === undefined) return call.headers;
  let sent: Record<string, string> = {};
  void plugin.subgraphCall(call, async (next) => {
    sent = next.headers;
    return {};
  });
  return sent;
}

const alice: AuthenticatedPrincipal = {
  kind: 'authenticated',
  source: 'jwt',
  subject: 'alice',
  scopes: new Set(['read', 'write']),
  roles: new Set(['admin']),
  tenant: 'acme',
  claims: { sub: 'alice', email: 'alice@example.com', org: { id: 42 }, 'https://example.com/plan': 'pro' },
  credential: jwtCredential('abc.def.ghi'),
};

const forwardClaims = [
  { claim: 'subject', header: 'x-user-id' },
  { claim: 'tenant', header: 'x-tenant-id' },
  { claim: 'scopes', header: 'x-scopes' },
  { claim: 'roles', header: 'x-roles' },
  { claim: 'email', header: 'x-email' },
  { claim: 'org.id', header: 'x-org-id' },
  { claim: 'org', header: 'x-org' },
  { claim: 'https://example.com/plan', header: 'x-plan' },
  { claim: 'missing', header: 'x-missing' },
];

describe('claim and token forwarding (auth.forwardClaims, auth.forwardToken)', () => {
  it('sends each configured claim the principal has, and nothing else', () => {
    expect(headersSent(alice, { headers: {} }, auth({ forwardClaims }))).toEqual({
      'x-user-id': 'alice',
      'x-tenant-id': 'acme',
      'x-scopes': 'read write',
      'x-roles': 'admin',
      'x-email': 'alice@example.com',
      'x-org-id': '42',
      'x-org': '{"id":42}',
      'x-plan': 'pro',
    });
  });

  it('sends no claims for an anonymous caller, or without a principal', () => {
    expect(headersSent(ANONYMOUS, { headers: {} }, auth({ forwardClaims }))).toEqual({});
    expect(headersSent(undefined, { headers: {} }, auth({ forwardClaims }))).toEqual({});
  });

  it('sends API key fields by name', () => {
    const key: AuthenticatedPrincipal = {
      kind: 'authenticated',
      source: 'api-key',
      subject: 'ci',
      scopes: new Set(),
      roles: new Set(),
      claims: {},
      plan: 'gold',
      keyId: '0123456789abcdef',
      credential: 'api-key:0123456789abcdef',
    };
    const settings = auth({
      forwardClaims: [
        { claim: 'plan', header: 'x-plan' },
        { claim: 'keyId', header: 'x-key-id' },
        { claim: 'source', header: 'x-auth-source' },
        { claim: 'scopes', header: 'x-scopes' },
      ],
    });
    expect(headersSent(key, { headers: {} }, settings)).toEqual({
      'x-plan': 'gold',
      'x-key-id': '0123456789abcdef',
      'x-auth-source': 'api-key',
    });
  });

  it('leaves out a value that cannot be a header value rather than sending it mangled', () => {
    const odd = { ...alice, subject: 'line\r\nx-admin: true', tenant: 'café' };
    expect(headersSent(odd, { headers: {} }, auth({ forwardClaims: forwardClaims.slice(0, 2) }))).toEqual({});
  });

  it('forwards the token only with forwardToken, from a cookie as a bearer token', () => {
    const jwt = { cookie: 'session', issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] };
    const withHeader = { headers: { authorization: 'Bearer abc.def.ghi' } };
    expect(headersSent(alice, withHeader, auth({ jwt }))).toEqual({});
    expect(headersSent(alice, withHeader, auth({ jwt, forwardToken: true }))).toEqual({
      authorization: 'Bearer abc.def.ghi',
    });
    const withCookie = { headers: { cookie: 'session=abc.def.ghi' } };
    expect(headersSent(alice, withCookie, auth({ jwt, forwardToken: true }))).toEqual({
      authorization: 'Bearer abc.def.ghi',
    });
    expect(headersSent(ANONYMOUS, { headers: {} }, auth({ forwardToken: true }))).toEqual({});
  });

  it('never forwards a token that did not identify the caller', () => {
    const jwt = { issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] };
    const settings = auth({ jwt, forwardToken: true });
    const forged = { headers: { authorization: 'Bearer forged.token.here' } };
    // An anonymous caller's header, another scheme, a token beside an API key, a different token.
    expect(headersSent(ANONYMOUS, forged, settings)).toEqual({});
    expect(headersSent(ANONYMOUS, { headers: { authorization: 'JWT x.y.z' } }, settings)).toEqual({});
    const byKey: AuthenticatedPrincipal = { ...alice, source: 'api-key', credential: 'api-key:k1' };
    expect(headersSent(byKey, forged, settings)).toEqual({});
    expect(headersSent(alice, forged, settings)).toEqual({});
  });
});

describe('header rules', () => {
  const none = auth({});

  it('are not in the plugin list without any rule', () => {
    expect(useHeaderRules(NO_RULES, none)).toBeUndefined();
  });

  it('propagate client headers by name (renamed, with a default) or by pattern, never connection headers', () => {
    const headers = rules({
      all: [
        { propagate: { named: 'x-request-id' } },
        { propagate: { named: 'x-client', rename: 'x-client-name', default: 'unknown' } },
        { propagate: { matching: '^x-tenant-|^host$|^content-length$' } },
      ],
    });
    const request = {
      headers: {
        'x-request-id': 'r1',
        'x-tenant-a': '1',
        host: 'gw',
        'content-length': '9',
      },
    };
    expect(headersSent(ANONYMOUS, request, none, headers)).toEqual({
      'x-request-id': 'r1',
      'x-client-name': 'unknown',
      'x-tenant-a': '1',
    });
  });

  it('insert fixed values and claims, remove, and add per-subgraph rules after the common ones', () => {
    const headers = rules({
      all: [
        { insert: { name: 'x-gateway', value: 'gatehouse' } },
        { insert: { name: 'x-user', fromClaim: 'subject' } },
        { propagate: { matching: '^x-debug' } },
      ],
      subgraphs: {
        reviews: [{ remove: { matching: '^x-debug' } }, { insert: { name: 'X-Team', value: 'reviews' } }],
      },
    });
    const request = { headers: { 'x-debug-a': '1', 'x-debug-b': '2' } };
    expect(headersSent(alice, request, none, headers, 'accounts')).toEqual({
      'x-gateway': 'gatehouse',
      'x-user': 'alice',
      'x-debug-a': '1',
      'x-debug-b': '2',
    });
    expect(headersSent(ANONYMOUS, request, none, headers, 'reviews')).toEqual({
      'x-gateway': 'gatehouse',
      'x-team': 'reviews',
    });
  });

  it('refuse a rule that is neither one thing nor the other, naming the field', () => {
    expect(() => rules({ all: [{ propagate: { named: 'a', matching: 'b' } }] })).toThrow();
    expect(() => rules({ all: [{ insert: { name: 'x' } }] })).toThrow();
    expect(() => rules({ all: [{ remove: { matching: '(' } }] })).toThrow();
  });
});

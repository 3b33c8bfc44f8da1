import { describe, expect, it } from 'vitest';
import { headersForSubgraphs } from '../../../src/auth/forwarding.js';
import { jwtCredential } from '../../../src/auth/jwt.js';
import { ANONYMOUS, type AuthenticatedPrincipal } from '../../../src/auth/principal.js';
import { resolveConfig } from '../../../src/config/load.js';

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';

function auth(settings: Record<string, unknown>) {
  return resolveConfig({ auth: settings }, { env: {} }).auth;
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

describe('headersForSubgraphs', () => {
  it('sends each configured claim the principal has, and nothing else', () => {
    expect(headersForSubgraphs(alice, { headers: {} }, auth({ forwardClaims }))).toEqual({
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
    expect(headersForSubgraphs(ANONYMOUS, { headers: {} }, auth({ forwardClaims }))).toEqual({});
    expect(headersForSubgraphs(undefined, { headers: {} }, auth({ forwardClaims }))).toEqual({});
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
    expect(headersForSubgraphs(key, { headers: {} }, settings)).toEqual({
      'x-plan': 'gold',
      'x-key-id': '0123456789abcdef',
      'x-auth-source': 'api-key',
    });
  });

  it('leaves out a value that cannot be a header value rather than sending it mangled', () => {
    const odd = { ...alice, subject: 'line\r\nx-admin: true', tenant: 'café' };
    expect(
      headersForSubgraphs(odd, { headers: {} }, auth({ forwardClaims: forwardClaims.slice(0, 2) })),
    ).toEqual({});
  });

  it('forwards the token only with forwardToken, from a cookie as a bearer token', () => {
    const jwt = { cookie: 'session', issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] };
    const withHeader = { headers: { authorization: 'Bearer abc.def.ghi' } };
    expect(headersForSubgraphs(alice, withHeader, auth({ jwt }))).toEqual({});
    expect(headersForSubgraphs(alice, withHeader, auth({ jwt, forwardToken: true }))).toEqual({
      authorization: 'Bearer abc.def.ghi',
    });
    const withCookie = { headers: { cookie: 'session=abc.def.ghi' } };
    expect(headersForSubgraphs(alice, withCookie, auth({ jwt, forwardToken: true }))).toEqual({
      authorization: 'Bearer abc.def.ghi',
    });
    expect(headersForSubgraphs(ANONYMOUS, { headers: {} }, auth({ forwardToken: true }))).toEqual({});
  });

  it('never forwards a token that did not identify the caller', () => {
    const jwt = { issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] };
    const settings = auth({ jwt, forwardToken: true });
    const forged = { headers: { authorization: 'Bearer forged.token.here' } };
    // An anonymous caller's header, another scheme, a token beside an API key, a different token.
    expect(headersForSubgraphs(ANONYMOUS, forged, settings)).toEqual({});
    expect(headersForSubgraphs(ANONYMOUS, { headers: { authorization: 'JWT x.y.z' } }, settings)).toEqual({});
    const byKey: AuthenticatedPrincipal = { ...alice, source: 'api-key', credential: 'api-key:k1' };
    expect(headersForSubgraphs(byKey, forged, settings)).toEqual({});
    expect(headersForSubgraphs(alice, forged, settings)).toEqual({});
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { API_KEY_CACHE_TTL_MS, ApiKeys } from '../../src/auth/api-keys.js';
import { JWKS_COOLDOWN_MS, JWKS_TIMEOUT_MS } from '../../src/auth/jwt-keys.js';
import type { RunningGateway } from '../../src/server/start.js';
import { openStore, type Store } from '../../src/store/index.js';
import { postGraphQL, startTestGateway, type GraphQLHttpResponse } from '../helpers/gateway.js';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server.js';
import {
  createSigningKey,
  signHs256,
  signToken,
  tamper,
  unsignedToken,
  type SigningKey,
} from '../helpers/jwt.js';

const IDP = 'https://idp.example.test/';
const HS_ISSUER = 'https://hs.example.test/';
const PEM_ISSUER = 'https://pem.example.test/';
const DOWN_ISSUER = 'https://down.example.test/';
const AUDIENCE = 'gatehouse';
const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
const QUERY = { query: '{ me { username } }' };

let accounts: RunningService;
let jwks: JwksServer;
let downJwks: JwksServer;
let gateway: RunningGateway;
let strictGateway: RunningGateway;
let store: Store;
let dir: string;
const keys = {} as Record<'rs' | 'es' | 'ed' | 'pem' | 'stranger', SigningKey>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-auth-'));
  [keys.rs, keys.es, keys.ed, keys.pem, keys.stranger] = await Promise.all([
    createSigningKey('RS256'),
    createSigningKey('ES256'),
    createSigningKey('EdDSA'),
    createSigningKey('RS256'),
    createSigningKey('RS256'),
  ]);
  accounts = await serveSubgraph(accountsSubgraph);
  jwks = await startJwksServer([keys.rs.publicJwk, keys.es.publicJwk, keys.ed.publicJwk]);
  downJwks = await startJwksServer([keys.rs.publicJwk]);
  downJwks.setMode('hang');
  const auth = {
    jwt: {
      cookie: 'session',
      issuers: [
        { issuer: IDP, audience: AUDIENCE, algorithms: ['RS256', 'ES256', 'EdDSA'], jwksUrl: jwks.url },
        { issuer: HS_ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret: SECRET },
        { issuer: PEM_ISSUER, algorithms: ['RS256'], publicKey: keys.pem.publicPem },
        { issuer: DOWN_ISSUER, algorithms: ['RS256'], jwksUrl: downJwks.url },
      ],
    },
    apiKeys: {},
  };
  const sqlite = join(dir, 'store', 'gatehouse.db');
  gateway = await startTestGateway([accounts], { auth, store: { sqlite } });
  strictGateway = await startTestGateway([accounts], {
    auth: { ...auth, require: 'authenticated' },
    store: { sqlite },
  });
  store = await openStore({ sqlite });
});

afterAll(async () => {
  await Promise.all([gateway?.close(), strictGateway?.close()]);
  await Promise.all([accounts?.close(), jwks?.close(), downJwks?.close(), store?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const idpToken = (key: SigningKey, options = {}) =>
  signToken(key, {}, { issuer: IDP, audience: AUDIENCE, ...options });

function expectData(response: GraphQLHttpResponse) {
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body).toEqual({ data: { me: { username: expect.any(String) } } });
}

function expectUnauthenticated(response: GraphQLHttpResponse, reason: string, secret?: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(401);
  expect(response.body).toEqual({ errors: [{ message: reason, extensions: { code: 'UNAUTHENTICATED' } }] });
  if (secret !== undefined) {
    expect(JSON.stringify(response.body)).not.toContain(secret);
    expect(JSON.stringify([...response.headers])).not.toContain(secret);
  }
}

describe('JWT through HTTP', () => {
  it.each(['rs', 'es', 'ed'] as const)('accepts a token signed with %s from the JWKS URL', async (name) => {
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, bearer(await idpToken(keys[name]))));
  });

  it('accepts an HS256 token signed with the shared secret', async () => {
    const token = signHs256(SECRET, {}, { issuer: HS_ISSUER, audience: AUDIENCE });
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token)));
  });

  it('accepts an RS256 token verified with a PEM public key', async () => {
    const token = await signToken(keys.pem, {}, { issuer: PEM_ISSUER });
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token)));
  });

  it('reads the token from the configured cookie', async () => {
    const token = await idpToken(keys.rs);
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, { cookie: `theme=dark; session=${token}` }));
    const expired = await idpToken(keys.rs, { expiresIn: -60 });
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, { cookie: `session=${expired}` });
    expectUnauthenticated(response, 'token expired', expired);
  });

  it('lets a request without credentials through as anonymous when nothing is required', async () => {
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY));
  });

  const rejections: [string, () => Promise<string>, string][] = [
    ['an expired token', () => idpToken(keys.rs, { expiresIn: -60 }), 'token expired'],
    ['a token not valid yet', () => idpToken(keys.rs, { notBefore: 600 }), 'token not yet valid'],
    ['a token without exp', () => idpToken(keys.rs, { noExpiry: true }), 'token has no expiry'],
    [
      'a token signed by another key under a known kid',
      () => signToken(keys.stranger, {}, { issuer: IDP, audience: AUDIENCE, kid: keys.rs.kid }),
      'invalid token signature',
    ],
    [
      'a token whose claims were changed after signing',
      async () => tamper(await idpToken(keys.es), { iss: IDP, aud: AUDIENCE, sub: 'admin', exp: 9e9 }),
      'invalid token signature',
    ],
    [
      'a token for another audience',
      () => idpToken(keys.ed, { audience: 'someone-else' }),
      'token audience not accepted',
    ],
    [
      'a token from an unknown issuer',
      () => signToken(keys.rs, {}, { issuer: 'https://evil.example.test/', audience: AUDIENCE }),
      'token issuer not trusted',
    ],
    ['a token that is not a JWT', async () => 'not.a-jwt', 'malformed token'],
    [
      'a token with alg none',
      async () => unsignedToken({}, { issuer: IDP, audience: AUDIENCE }),
      'token algorithm not accepted',
    ],
    [
      'an HS256 token keyed with the RSA public key (key confusion, PEM issuer)',
      async () => signHs256(keys.pem.publicPem, {}, { issuer: PEM_ISSUER }),
      'token algorithm not accepted',
    ],
    [
      'an HS256 token keyed with the RSA public key (key confusion, JWKS issuer)',
      async () => signHs256(keys.rs.publicPem, {}, { issuer: IDP, audience: AUDIENCE }),
      'token algorithm not accepted',
    ],
    [
      'an HS256 token signed with the wrong secret',
      async () => signHs256(`${SECRET}-but-not-quite`, {}, { issuer: HS_ISSUER, audience: AUDIENCE }),
      'invalid token signature',
    ],
  ];

  it.each(rejections)('refuses %s with 401 and a general reason', async (_case, makeToken, reason) => {
    const token = await makeToken();
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token));
    expectUnauthenticated(response, reason, token);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="${reason}"`,
    );
  });

  it('refuses "Bearer" with no token as malformed', async () => {
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, { authorization: 'Bearer' });
    expectUnauthenticated(response, 'malformed token');
  });

  it('accepts a key that appears at the JWKS URL while the gateway runs, refetching at most once per cooldown', async () => {
    const rotated = await createSigningKey('ES256');
    const token = await idpToken(rotated);
    const before = jwks.fetches;
    // Unknown kids in a burst: at most one refetch, and they are refused.
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => postGraphQL(gateway.graphqlUrl, QUERY, bearer(token))),
    );
    for (const response of burst) expectUnauthenticated(response, 'unknown token signing key', token);
    expect(jwks.fetches - before).toBeLessThanOrEqual(1);

    jwks.setKeys([keys.rs.publicJwk, keys.es.publicJwk, keys.ed.publicJwk, rotated.publicJwk]);
    const started = Date.now();
    let response = await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token));
    while (response.status !== 200 && Date.now() - started < JWKS_COOLDOWN_MS + 2_000) {
      await new Promise((done) => setTimeout(done, 250));
      response = await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token));
    }
    expectData(response);
    expect(jwks.fetches - before).toBeLessThanOrEqual(3);
    // The keys known before still verify.
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, bearer(await idpToken(keys.rs))));
  });

  it('answers a clear 401 when an issuer JWKS endpoint hangs, and keeps serving everyone else', async () => {
    const token = await signToken(keys.rs, {}, { issuer: DOWN_ISSUER });
    const started = Date.now();
    const stuck = postGraphQL(gateway.graphqlUrl, QUERY, bearer(token));
    // While that request waits for the JWKS, others are answered.
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, bearer(await idpToken(keys.rs))));
    expect(Date.now() - started).toBeLessThan(JWKS_TIMEOUT_MS);
    expectUnauthenticated(await stuck, 'token keys unavailable', token);
    expect(Date.now() - started).toBeLessThan(JWKS_TIMEOUT_MS + 1_500);
  });

  it('answers a fast 401 when an issuer JWKS endpoint fails or is gone', async () => {
    const token = await signToken(keys.rs, {}, { issuer: DOWN_ISSUER });
    downJwks.setMode('error');
    let started = Date.now();
    expectUnauthenticated(
      await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token)),
      'token keys unavailable',
    );
    expect(Date.now() - started).toBeLessThan(JWKS_TIMEOUT_MS);
    await downJwks.close();
    started = Date.now();
    expectUnauthenticated(
      await postGraphQL(gateway.graphqlUrl, QUERY, bearer(token)),
      'token keys unavailable',
    );
    expect(Date.now() - started).toBeLessThan(JWKS_TIMEOUT_MS);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});

describe('require: authenticated', () => {
  it('refuses an anonymous request with 401', async () => {
    const response = await postGraphQL(strictGateway.graphqlUrl, QUERY);
    expectUnauthenticated(response, 'authentication required');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('serves a request with a valid token or key', async () => {
    expectData(await postGraphQL(strictGateway.graphqlUrl, QUERY, bearer(await idpToken(keys.ed))));
    const { key } = await new ApiKeys(store).create({ name: 'strict-client' });
    expectData(await postGraphQL(strictGateway.graphqlUrl, QUERY, { 'x-api-key': key }));
  });

  it('still answers /health and /ready without credentials', async () => {
    expect((await fetch(`${strictGateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${strictGateway.url}/ready`)).status).toBe(200);
  });
});

describe('API keys through HTTP', () => {
  it('accepts a created key, and refuses it within seconds of revocation', async () => {
    const apiKeys = new ApiKeys(store);
    const { key, summary } = await apiKeys.create({ name: 'ci', scopes: ['read:me'], plan: 'gold' });
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': key }));

    await apiKeys.revoke('ci');
    const revokedAt = Date.now();
    let response = await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': key });
    while (response.status === 200 && Date.now() - revokedAt < 5_000) {
      await new Promise((done) => setTimeout(done, 100));
      response = await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': key });
    }
    expectUnauthenticated(response, 'API key revoked', key);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(API_KEY_CACHE_TTL_MS + 1_000);
    expect(JSON.stringify(response.body)).not.toContain(summary.id);
  });

  it('refuses an unknown key, a mangled key and an expired key', async () => {
    const apiKeys = new ApiKeys(store);
    const { key } = await apiKeys.create({ name: 'short-lived', expiresAt: new Date(Date.now() + 1_000) });
    const unknown = `${key.slice(0, -4)}AAAA`;
    expectUnauthenticated(
      await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': unknown }),
      'unknown API key',
      unknown,
    );
    expectUnauthenticated(
      await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': 'hello' }),
      'unknown API key',
    );
    expectData(await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': key }));
    await new Promise((done) => setTimeout(done, 1_100));
    expectUnauthenticated(
      await postGraphQL(gateway.graphqlUrl, QUERY, { 'x-api-key': key }),
      'API key expired',
      key,
    );
  });

  it('decides by the API key when a request carries both a key and a token', async () => {
    const token = await idpToken(keys.rs);
    const response = await postGraphQL(gateway.graphqlUrl, QUERY, {
      ...bearer(token),
      'x-api-key': 'gh_bad',
    });
    expectUnauthenticated(response, 'unknown API key', token);
  });
});

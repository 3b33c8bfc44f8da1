import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../../src/auth/api-keys.js';
import { createIdentifier, identityEnabled, useIdentity } from '../../../src/auth/identify.js';
import { resolveConfig } from '../../../src/config/load.js';
import { createResources } from '../../../src/pipeline/resources.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { createSigningKey, signHs256 } from '../../helpers/jwt.js';

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters';
const log: FastifyBaseLogger = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function config(auth: Record<string, unknown>) {
  return resolveConfig({ auth, store: { sqlite: ':memory:' } }, { env: {} });
}

/** The identity plugin as the gateway assembles it, for this auth config. */
function identityPlugin(auth: Record<string, unknown>, store?: Store) {
  const settings = config(auth).auth;
  return useIdentity(
    settings,
    { store, logger: log },
    settings.forwardClaims.map(({ header }) => header),
  );
}

/** A Fastify app with the identity hook and routes that echo what the handler sees. */
async function appWith(auth: Record<string, unknown>, store?: Store): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: log });
  const { edge } = await identityPlugin(auth, store);
  if (edge?.afterBody) app.addHook('preHandler', edge.afterBody);
  const echo = async (request: { headers: object; principal?: unknown }) => ({
    headers: request.headers,
    principal: request.principal ?? null,
  });
  app.post('/graphql', echo);
  app.post('/other', echo);
  cleanups.push(() => app.close());
  return app;
}

async function memoryStore(): Promise<Store> {
  const store = await openStore({ sqlite: ':memory:' });
  cleanups.push(() => store.close());
  return store;
}

const forwardClaims = [
  { claim: 'subject', header: 'x-user-id' },
  { claim: 'tenant', header: 'x-tenant-id' },
];

describe('the identity hook', () => {
  it('strips client-sent copies of forwarded-claim headers on /graphql, even with no identity source', async () => {
    const app = await appWith({ forwardClaims });
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'x-user-id': 'admin', 'X-Tenant-Id': 'victim', 'x-other': 'kept' },
      payload: {},
    });
    const seen = response.json<{ headers: Record<string, string>; principal: unknown }>();
    expect(seen.headers['x-user-id']).toBeUndefined();
    expect(seen.headers['x-tenant-id']).toBeUndefined();
    expect(seen.headers['x-other']).toBe('kept');
    // No identity source: nobody is identified.
    expect(seen.principal).toBeNull();
  });

  it('sets the principal for a valid credential and strips forged headers alongside', async () => {
    const app = await appWith({
      forwardClaims,
      jwt: { issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] },
    });
    const token = signHs256(
      SECRET,
      { scope: 'read write', roles: ['admin'], tenant: 't1' },
      { issuer: 'hs' },
    );
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${token}`, 'x-user-id': 'forged' },
      payload: {},
    });
    const seen = response.json<{ headers: Record<string, string>; principal: Record<string, unknown> }>();
    expect(seen.headers['x-user-id']).toBeUndefined();
    expect(seen.principal).toMatchObject({
      kind: 'authenticated',
      source: 'jwt',
      subject: 'user-1',
      tenant: 't1',
    });
  });

  it('sets an anonymous principal without credentials', async () => {
    const app = await appWith({ apiKeys: {} }, await memoryStore());
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: {} });
    expect(response.json()).toMatchObject({ principal: { kind: 'anonymous' } });
  });

  it('runs on /graphql only', async () => {
    const app = await appWith({ forwardClaims, require: 'authenticated', apiKeys: {} }, await memoryStore());
    const response = await app.inject({
      method: 'POST',
      url: '/other',
      headers: { 'x-user-id': 'kept' },
      payload: {},
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ headers: { 'x-user-id': 'kept' }, principal: null });
    const refused = await app.inject({ method: 'POST', url: '/graphql', payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({
      errors: [{ message: 'authentication required', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    // No JWT configured: no bearer challenge.
    expect(refused.headers['www-authenticate']).toBeUndefined();
  });

  it('checks API keys in the store the composition root opened from the config', async () => {
    const auth = { apiKeys: { header: 'X-Key' } };
    const resources = await createResources(config(auth), pino({ level: 'silent' }));
    cleanups.push(() => resources.dispose());
    const app = await appWith(auth, resources.store);
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'x-key': 'gh_nope' },
      payload: {},
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ errors: [{ message: 'unknown API key' }] });
  });

  it('refuses to start when a forwarded-claim header is also a credential header', async () => {
    await expect(
      identityPlugin(
        { apiKeys: {}, forwardClaims: [{ claim: 'subject', header: 'x-api-key' }] },
        await memoryStore(),
      ),
    ).rejects.toThrow(/x-api-key/);
  });
});

describe('identityEnabled', () => {
  it('is off by default and on with any source or require: authenticated', () => {
    expect(identityEnabled(config({}).auth)).toBe(false);
    expect(identityEnabled(config({ forwardClaims }).auth)).toBe(false);
    expect(identityEnabled(config({ require: 'authenticated' }).auth)).toBe(true);
    expect(identityEnabled(config({ apiKeys: {} }).auth)).toBe(true);
    expect(identityEnabled(config({ authorizer: { url: 'http://127.0.0.1:1/' } }).auth)).toBe(true);
  });
});

describe('createIdentifier', () => {
  it('tries the API key first, then the JWT, and refuses a bad credential rather than skipping it', async () => {
    const store = await memoryStore();
    const { key } = await new ApiKeys(store).create({ name: 'k', scopes: ['a'], plan: 'free' });
    const identify = await createIdentifier(
      config({ apiKeys: {}, jwt: { issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] } })
        .auth,
      store,
      undefined,
      log,
    );
    const token = signHs256(SECRET, {}, { issuer: 'hs' });
    await expect(
      identify({ headers: { 'x-api-key': key, authorization: `Bearer ${token}` }, log }),
    ).resolves.toMatchObject({
      source: 'api-key',
      subject: 'k',
      plan: 'free',
      scopes: new Set(['a']),
    });
    await expect(identify({ headers: { authorization: `Bearer ${token}` }, log })).resolves.toMatchObject({
      source: 'jwt',
    });
    await expect(
      identify({ headers: { 'x-api-key': 'nope', authorization: `Bearer ${token}` }, log }),
    ).rejects.toMatchObject({
      message: 'unknown API key',
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
    // Another scheme in `authorization` is not a JWT: anonymous.
    await expect(identify({ headers: { authorization: 'Basic dXNlcjpwYXNz' }, log })).resolves.toEqual({
      kind: 'anonymous',
    });
  });

  it('logs why a token was refused at debug, without the token', async () => {
    const lines: string[] = [];
    const debugLog: FastifyBaseLogger = pino(
      { level: 'debug' },
      { write: (line: string) => lines.push(line) },
    );
    const auth = config({ jwt: { issuers: [{ issuer: 'hs', algorithms: ['HS256'], secret: SECRET }] } }).auth;
    const identify = await createIdentifier(auth, undefined, undefined, debugLog);
    const token = signHs256(`${SECRET}x`, {}, { issuer: 'hs' });
    await expect(identify({ headers: { authorization: `Bearer ${token}` }, log: debugLog })).rejects.toThrow(
      'invalid token signature',
    );
    expect(lines.join('')).toContain('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(lines.join('')).not.toContain(token.split('.')[2]);
  });

  it('fails at start on an unusable PEM key', async () => {
    const ec = await createSigningKey('ES256');
    const auth = config({
      jwt: { issuers: [{ issuer: 'pem', algorithms: ['RS256'], publicKey: ec.publicPem }] },
    }).auth;
    await expect(createIdentifier(auth, undefined, undefined, log)).rejects.toThrow(/cannot verify RS256/);
  });
});

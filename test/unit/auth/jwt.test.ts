import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toSet } from '../../../src/auth/jwt-claims.js';
import { JWKS_COOLDOWN_MS, JWKS_DEFAULT_MAX_AGE_MS, maxAgeOf } from '../../../src/auth/jwt-keys.js';
import {
  createJwtVerifier,
  readCookie,
  readToken,
  reasonFor,
  type JwtConfig,
} from '../../../src/auth/jwt.js';
import { loadConfigFile, resolveConfig } from '../../../src/config/load.js';
import { startJwksServer } from '../../helpers/jwks-server.js';
import { createSigningKey, signToken, type SigningKey } from '../../helpers/jwt.js';

const log = pino({ level: 'silent' });
let dir: string;
let rs: SigningKey;
let ed: SigningKey;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-jwt-'));
  [rs, ed] = await Promise.all([createSigningKey('RS256'), createSigningKey('EdDSA')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jwtConfig(jwt: Record<string, unknown>): JwtConfig {
  const parsed = resolveConfig({ auth: { jwt } }, { env: {}, baseDir: dir }).auth.jwt;
  if (parsed === undefined) throw new Error('no jwt config');
  return parsed;
}

describe('claims mapping', () => {
  it('maps subject, scopes (string or array), roles and tenant, keeping every claim', async () => {
    const config = jwtConfig({
      issuers: [{ issuer: 'pem', algorithms: ['RS256'], publicKey: rs.publicPem }],
    });
    const verifier = await createJwtVerifier(config, log);
    const token = await signToken(
      rs,
      { scope: 'read  write', roles: 'admin ops', tenant: 't1', extra: 1 },
      { issuer: 'pem' },
    );
    const principal = await verifier.verify(token);
    expect(principal).toMatchObject({
      kind: 'authenticated',
      source: 'jwt',
      subject: 'user-1',
      scopes: new Set(['read', 'write']),
      roles: new Set(['admin', 'ops']),
      tenant: 't1',
      claims: { iss: 'pem', extra: 1 },
    });
    const scp = await verifier.verify(await signToken(rs, { scp: ['a', 'b'] }, { issuer: 'pem' }));
    expect(scp.scopes).toEqual(new Set(['a', 'b']));
    expect(scp.tenant).toBeUndefined();
  });

  it('follows a custom mapping, including nested and namespaced claims', async () => {
    const config = jwtConfig({
      issuers: [
        {
          issuer: 'pem',
          algorithms: ['RS256'],
          publicKey: rs.publicPem,
          claims: {
            subject: 'oid',
            scopes: ['permissions'],
            roles: 'realm_access.roles',
            tenant: 'https://example.com/org',
          },
        },
      ],
    });
    const verifier = await createJwtVerifier(config, log);
    const token = await signToken(
      rs,
      { oid: 'u-9', permissions: ['x'], realm_access: { roles: ['r1'] }, 'https://example.com/org': 'org-7' },
      { issuer: 'pem' },
    );
    expect(await verifier.verify(token)).toMatchObject({
      subject: 'u-9',
      scopes: new Set(['x']),
      roles: new Set(['r1']),
      tenant: 'org-7',
    });
    await expect(verifier.verify(await signToken(rs, {}, { issuer: 'pem' }))).rejects.toThrow(
      'token has no subject',
    );
  });

  it('reads a set from a string or an array, ignoring anything else', () => {
    expect(toSet(' a b  c ')).toEqual(new Set(['a', 'b', 'c']));
    expect(toSet(['a', 1, '', 'b'])).toEqual(new Set(['a', 'b']));
    expect(toSet({ a: 1 })).toEqual(new Set());
  });
});

describe('issuer settings', () => {
  it('accepts any of several audiences and honours the clock tolerance', async () => {
    const config = jwtConfig({
      issuers: [
        {
          issuer: 'pem',
          audience: ['a', 'b'],
          algorithms: ['RS256'],
          publicKey: rs.publicPem,
          clockToleranceSec: 30,
        },
      ],
    });
    const verifier = await createJwtVerifier(config, log);
    await expect(
      verifier.verify(await signToken(rs, {}, { issuer: 'pem', audience: 'b' })),
    ).resolves.toBeTruthy();
    await expect(
      verifier.verify(await signToken(rs, {}, { issuer: 'pem', audience: 'b', expiresIn: -10 })),
    ).resolves.toBeTruthy();
    await expect(
      verifier.verify(await signToken(rs, {}, { issuer: 'pem', audience: 'b', expiresIn: -60 })),
    ).rejects.toThrow('token expired');
    await expect(verifier.verify(await signToken(rs, {}, { issuer: 'pem', audience: 'c' }))).rejects.toThrow(
      'token audience not accepted',
    );
  });

  it('reads a JWKS file and a PEM file relative to the config file', async () => {
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [ed.publicJwk] }));
    writeFileSync(join(dir, 'key.pem'), rs.publicPem);
    const configFile = join(dir, 'gatehouse.yaml');
    writeFileSync(
      configFile,
      [
        'auth:',
        '  jwt:',
        '    issuers:',
        '      - { issuer: file, algorithms: [EdDSA], jwksFile: jwks.json }',
        '      - { issuer: pem, algorithms: [RS256], publicKey: key.pem }',
        'store: { sqlite: data/gatehouse.db }',
      ].join('\n'),
    );
    const config = await loadConfigFile(configFile, { env: {} });
    expect(config.store.sqlite).toBe(join(dir, 'data', 'gatehouse.db'));
    const verifier = await createJwtVerifier(config.auth.jwt as JwtConfig, log);
    await expect(verifier.verify(await signToken(ed, {}, { issuer: 'file' }))).resolves.toMatchObject({
      subject: 'user-1',
    });
    await expect(verifier.verify(await signToken(rs, {}, { issuer: 'pem' }))).resolves.toMatchObject({
      subject: 'user-1',
    });
  });

  it('fails at start on a missing or broken key file, naming the issuer', async () => {
    const missing = jwtConfig({
      issuers: [{ issuer: 'gone', algorithms: ['RS256'], jwksFile: 'nope.json' }],
    });
    await expect(createJwtVerifier(missing, log)).rejects.toThrow(/JWKS file of issuer gone/);
    writeFileSync(join(dir, 'broken.json'), '{"keys": 5}');
    const broken = jwtConfig({
      issuers: [{ issuer: 'broken', algorithms: ['RS256'], jwksFile: 'broken.json' }],
    });
    await expect(createJwtVerifier(broken, log)).rejects.toThrow(/JWKS file of issuer broken/);
    const noPem = jwtConfig({
      issuers: [{ issuer: 'pem', algorithms: ['RS256'], publicKey: 'missing.pem' }],
    });
    await expect(createJwtVerifier(noPem, log)).rejects.toThrow(/public key of issuer pem/);
  });
});

describe('JWKS URL caching', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it('fetches once at start, then serves from the cache', async () => {
    const jwks = await startJwksServer([rs.publicJwk]);
    servers.push(jwks);
    const verifier = await createJwtVerifier(
      jwtConfig({ issuers: [{ issuer: 'idp', algorithms: ['RS256'], jwksUrl: jwks.url }] }),
      log,
    );
    for (let i = 0; i < 5; i += 1) await verifier.verify(await signToken(rs, {}, { issuer: 'idp' }));
    expect(jwks.fetches).toBe(1);
  });

  it('keeps verifying with known keys when a refresh fails', async () => {
    const jwks = await startJwksServer([rs.publicJwk]);
    servers.push(jwks);
    jwks.setCacheControl('max-age=0');
    const verifier = await createJwtVerifier(
      jwtConfig({ issuers: [{ issuer: 'idp', algorithms: ['RS256'], jwksUrl: jwks.url }] }),
      log,
    );
    await verifier.verify(await signToken(rs, {}, { issuer: 'idp' }));
    jwks.setMode('error');
    await new Promise((done) => setTimeout(done, JWKS_COOLDOWN_MS + 100));
    // Stale by Cache-Control: a background refresh is tried (and fails), the known key still works.
    await expect(verifier.verify(await signToken(rs, {}, { issuer: 'idp' }))).resolves.toBeTruthy();
    await new Promise((done) => setTimeout(done, 100));
    expect(jwks.fetches).toBe(2);
  }, 15_000);

  it('reads max-age from Cache-Control, within bounds', () => {
    expect(maxAgeOf(null)).toBe(JWKS_DEFAULT_MAX_AGE_MS);
    expect(maxAgeOf('public, max-age=3600')).toBe(3_600_000);
    expect(maxAgeOf('max-age=1')).toBe(JWKS_COOLDOWN_MS);
    expect(maxAgeOf('no-store')).toBe(JWKS_COOLDOWN_MS);
    expect(maxAgeOf('max-age=99999999')).toBe(24 * 3_600_000);
    expect(maxAgeOf('public')).toBe(JWKS_DEFAULT_MAX_AGE_MS);
  });
});

describe('reading the token', () => {
  const config = (jwt: Record<string, unknown>) =>
    jwtConfig({ issuers: [{ issuer: 'pem', algorithms: ['RS256'], publicKey: 'k.pem' }], ...jwt });

  it('takes a bearer token from authorization, and leaves other schemes alone', () => {
    expect(readToken({ authorization: 'Bearer abc' }, config({}))).toBe('abc');
    expect(readToken({ authorization: 'bearer   abc ' }, config({}))).toBe('abc');
    expect(readToken({ authorization: 'Bearer' }, config({}))).toBe('');
    expect(readToken({ authorization: 'Basic abc' }, config({}))).toBeUndefined();
    expect(readToken({}, config({}))).toBeUndefined();
  });

  it('takes a custom header with or without the scheme, then the cookie', () => {
    expect(readToken({ 'x-token': 'abc' }, config({ header: 'X-Token' }))).toBe('abc');
    expect(readToken({ 'x-token': 'Bearer abc' }, config({ header: 'x-token' }))).toBe('abc');
    expect(readToken({ cookie: 'a=1; jwt="abc"' }, config({ cookie: 'jwt' }))).toBe('abc');
    expect(readToken({ authorization: 'Bearer h', cookie: 'jwt=c' }, config({ cookie: 'jwt' }))).toBe('h');
  });

  it('parses cookies', () => {
    expect(readCookie('a=1; b=x%20y; c=', 'b')).toBe('x y');
    expect(readCookie('a=1; c=', 'c')).toBeUndefined();
    expect(readCookie('ab=1', 'a')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});

describe('reasons', () => {
  it('never passes jose detail through', () => {
    expect(reasonFor(new Error('secret detail'))).toBe('malformed token');
    expect(reasonFor({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' })).toBe('token not yet valid');
    expect(reasonFor({ code: 'ERR_JWKS_NO_MATCHING_KEY' })).toBe('unknown token signing key');
  });
});

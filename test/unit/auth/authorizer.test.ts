import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizerUnavailable } from '../../../src/auth/auth-error.js';
import {
  authorizerPolicyEvaluator,
  checkPolicies,
  createAuthorizerClient,
  type AuthorizerConfig,
} from '../../../src/auth/authorizer.js';
import { ANONYMOUS } from '../../../src/auth/principal.js';
import { resolveConfig } from '../../../src/config/load.js';
import type { UserFacingError } from '../../../src/errors.js';
import { startAuthorizerServer, type AuthorizerServer } from '../../helpers/authorizer-server.js';

let server: AuthorizerServer;
beforeAll(async () => {
  server = await startAuthorizerServer({ slowMs: 1_500 });
});
afterAll(() => server.close());

function settings(overrides: Record<string, unknown> = {}): AuthorizerConfig {
  const authorizer = resolveConfig(
    { auth: { authorizer: { url: server.url, timeoutMs: 400, ...overrides } } },
    { env: {} },
  ).auth.authorizer;
  if (authorizer === undefined) throw new Error('no authorizer');
  return authorizer;
}

const asking = (token: string) =>
  server.calls.filter((call) => call.headers.authorization === `Token ${token}`);

describe('the authorizer client', () => {
  it('maps an allow into an authorizer principal', async () => {
    const client = createAuthorizerClient(settings());
    const decision = await client.identify({ authorization: 'Token dora', 'x-tenant': 'ignored' });
    expect(decision).toEqual({
      allow: true,
      principal: {
        kind: 'authenticated',
        source: 'authorizer',
        subject: 'dora',
        scopes: new Set(['read:me', 'write:me']),
        roles: new Set(['member']),
        tenant: 'default',
        claims: { via: 'authorizer' },
        credential: expect.stringMatching(/^authorizer:[\w-]{43}$/),
      },
    });
    // Only the configured headers (default: authorization) were sent.
    expect(asking('dora')[0]?.headers).toEqual({ authorization: 'Token dora' });
  });

  it('fails closed by default and open when configured', async () => {
    await expect(
      createAuthorizerClient(settings()).identify({ authorization: 'Token slow' }),
    ).rejects.toBeInstanceOf(AuthorizerUnavailable);
    await expect(
      createAuthorizerClient(settings({ failOpen: true })).identify({ authorization: 'Token broken' }),
    ).resolves.toEqual({ allow: true, principal: ANONYMOUS });
  });

  it('treats an answer without a boolean allow, or a 404, as a failure', async () => {
    const client = createAuthorizerClient(settings());
    await expect(client.identify({ authorization: 'Token garbage' })).rejects.toBeInstanceOf(
      AuthorizerUnavailable,
    );
    const lost = createAuthorizerClient(settings({ url: `${server.url}/missing` }));
    await expect(lost.identify({ authorization: 'Token x' })).rejects.toBeInstanceOf(AuthorizerUnavailable);
  });

  it('keys a decision on every header it sends', async () => {
    const client = createAuthorizerClient(settings({ headers: ['authorization', 'x-tenant'] }));
    const first = await client.identify({ authorization: 'Token erin', 'x-tenant': 'acme' });
    const second = await client.identify({ authorization: 'Token erin', 'x-tenant': 'globex' });
    expect(asking('erin')).toHaveLength(2);
    expect([first, second].map((decision) => decision.allow && decision.principal)).toMatchObject([
      { tenant: 'acme' },
      { tenant: 'globex' },
    ]);
  });

  it('refuses a cacheKey that leaves out a header it sends, naming the field', () => {
    let error: unknown;
    try {
      settings({ headers: ['authorization', 'x-tenant'], cacheKey: ['authorization'] });
    } catch (thrown) {
      error = thrown;
    }
    expect((error as UserFacingError).details).toEqual([
      expect.stringMatching(
        /^auth\.authorizer\.cacheKey: must list every header in `headers` \(missing: x-tenant\)/,
      ),
    ]);
  });

  it('only asks when one of its headers is present', () => {
    const client = createAuthorizerClient(settings({ headers: ['authorization', 'x-session'] }));
    expect(client.applies({})).toBe(false);
    expect(client.applies({ 'x-session': 's' })).toBe(true);
  });
});

describe('checkPolicies', () => {
  it('asks for the named policies with the principal, and caches the answer', async () => {
    const authorizer = createAuthorizerClient(settings());
    const principal = {
      kind: 'authenticated',
      source: 'jwt',
      subject: 'frank',
      scopes: new Set(['s']),
      roles: new Set<string>(),
      claims: { sub: 'frank' },
      credential: 'jwt:frank-token',
    } as const;
    const headers = { authorization: 'Token frank' };
    const answer = await checkPolicies(['allow-read', 'deny-write', 'allow-read'], principal, {
      authorizer,
      headers,
    });
    expect(answer).toEqual({ 'allow-read': true, 'deny-write': false });
    const call = asking('frank').find((entry) => entry.policies !== undefined);
    expect(call).toEqual({
      headers,
      policies: ['allow-read', 'deny-write'],
      principal: { source: 'jwt', subject: 'frank', scopes: ['s'], roles: [], claims: { sub: 'frank' } },
    });
    await checkPolicies(['deny-write', 'allow-read'], principal, { authorizer, headers });
    expect(asking('frank').filter((entry) => entry.policies !== undefined)).toHaveLength(1);
  });

  it('grants nothing when the authorizer denies, and throws when it fails closed', async () => {
    const authorizer = createAuthorizerClient(settings());
    await expect(
      checkPolicies(['allow-x'], ANONYMOUS, { authorizer, headers: { authorization: 'Token denied' } }),
    ).resolves.toEqual({ 'allow-x': false });
    await expect(
      checkPolicies(['allow-x'], ANONYMOUS, { authorizer, headers: { authorization: 'Token broken' } }),
    ).rejects.toMatchObject({
      extensions: { code: 'AUTHORIZER_UNAVAILABLE', http: { status: 503 } },
    });
  });

  it('denies every policy it could not check, even with failOpen', async () => {
    const authorizer = createAuthorizerClient(settings({ failOpen: true }));
    for (const token of ['broken', 'garbage', 'slow']) {
      await expect(
        checkPolicies(['allow-x', 'allow-y'], ANONYMOUS, {
          authorizer,
          headers: { authorization: `Token ${token}` },
        }),
      ).resolves.toEqual({ 'allow-x': false, 'allow-y': false });
    }
    await expect(checkPolicies(['allow-x'], ANONYMOUS, { authorizer, headers: {} })).resolves.toEqual({
      'allow-x': false,
    });
  });

  it('fits the authorization plugin as its policy evaluator', async () => {
    const evaluate = authorizerPolicyEvaluator(createAuthorizerClient(settings()));
    const answer = await evaluate(['allow-a', 'b'], ANONYMOUS, {
      request: { headers: { authorization: 'Token gina' } },
    });
    expect(answer).toEqual({ 'allow-a': true, b: false });
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { countedKey, type CallerFacts } from '../../../src/traffic/caller.js';

const person = (extra: Partial<Extract<Principal, { kind: 'authenticated' }>> = {}): Principal => ({
  kind: 'authenticated',
  source: 'jwt',
  subject: 'alice',
  scopes: new Set(),
  roles: new Set(),
  claims: {},
  credential: 'c',
  ...extra,
});

const facts = (extra: Partial<CallerFacts> = {}): CallerFacts => ({
  principal: undefined,
  ip: '::ffff:203.0.113.7',
  ...extra,
});

describe('countedKey', () => {
  it('counts by the API key, else the subject, else the IP for `auto`', () => {
    expect(countedKey(['auto'], facts({ principal: person({ keyId: 'k1', source: 'api-key' }) }))).toBe(
      'apiKey:k1',
    );
    expect(countedKey(['auto'], facts({ principal: person() }))).toBe('subject:alice');
    expect(countedKey(['auto'], facts({ principal: { kind: 'anonymous' } }))).toBe('ip:203.0.113.7');
  });

  it('joins several sources, and counts a caller without a value by IP (once)', () => {
    expect(
      countedKey(
        ['tenant', 'operation'],
        facts({ principal: person({ tenant: 'acme' }), operationName: 'Q' }),
      ),
    ).toBe('tenant:acme|operation:Q');
    expect(countedKey(['subject', 'ip', 'operation'], facts())).toBe('ip:203.0.113.7|operation:-');
    expect(countedKey(['header:x-team'], facts({ headers: { 'x-team': 'red' } }))).toBe('header:x-team=red');
    expect(countedKey(['header:x-team'], facts({ headers: {} }))).toBe('ip:203.0.113.7');
  });

  it('hashes values longer than 128 characters', () => {
    const long = 'x'.repeat(129);
    const hashed = createHash('sha256').update(long).digest('base64url');
    expect(countedKey(['header:x-team'], facts({ headers: { 'x-team': long } }))).toBe(
      `header:x-team=${hashed}`,
    );
    expect(countedKey(['subject'], facts({ principal: person({ subject: 'y'.repeat(128) }) }))).toBe(
      `subject:${'y'.repeat(128)}`,
    );
  });
});

import { parse, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { AuthenticatedPrincipal } from '../../../src/auth/principal.js';
import { ANONYMOUS } from '../../../src/auth/principal.js';
import { LIMIT_DEFAULTS } from '../../../src/config/security-schema.js';
import { capErrors } from '../../../src/security/limits/errors-cap.js';
import { factsOf } from '../../../src/security/limits/facts.js';
import {
  firstBreach,
  limitsResolver,
  widestLimits,
  type LimitsConfig,
} from '../../../src/security/limits/options.js';
import { countTokens } from '../../../src/security/limits/tokens.js';

const config = (overrides: LimitsConfig['overrides'] = []): LimitsConfig => ({
  ...LIMIT_DEFAULTS,
  mode: 'enforce',
  overrides,
});

const principal = (fields: Partial<AuthenticatedPrincipal>): AuthenticatedPrincipal => ({
  kind: 'authenticated',
  source: 'jwt',
  subject: 'someone',
  scopes: new Set(),
  roles: new Set(),
  claims: {},
  credential: 'c',
  ...fields,
});

describe('limits per principal', () => {
  const resolve = limitsResolver(
    config([
      { match: { subjects: ['svc-reports'] }, maxDepth: 40 },
      { match: { scopes: ['internal'] }, maxDepth: 25, maxAliases: 100 },
      { match: { plans: ['gold'] }, maxTokens: 20_000 },
    ]),
  );

  it('gives anonymous callers and gateways without identity the top-level limits', () => {
    expect(resolve(ANONYMOUS)).toMatchObject(LIMIT_DEFAULTS);
    expect(resolve(undefined)).toMatchObject(LIMIT_DEFAULTS);
  });

  it('applies the first override that matches, over the top-level values', () => {
    expect(resolve(principal({ subject: 'svc-reports', scopes: new Set(['internal']) }))).toMatchObject({
      maxDepth: 40,
      maxAliases: LIMIT_DEFAULTS.maxAliases,
    });
    expect(resolve(principal({ scopes: new Set(['internal']) }))).toMatchObject({
      maxDepth: 25,
      maxAliases: 100,
    });
    expect(resolve(principal({ plan: 'gold' }))).toMatchObject({ maxTokens: 20_000, maxDepth: 15 });
    expect(resolve(principal({ plan: 'silver' }))).toMatchObject(LIMIT_DEFAULTS);
  });

  it('knows the widest value of each limit, for counting once for everyone', () => {
    const widest = widestLimits(config([{ match: { subjects: ['a'] }, maxDepth: 40, maxTokens: 100 }]));
    expect(widest).toMatchObject({ maxDepth: 40, maxTokens: LIMIT_DEFAULTS.maxTokens });
  });
});

describe('the first breach', () => {
  const limits = { ...LIMIT_DEFAULTS, maxDepth: 3 };
  const breachOf = (query: string, tokens = 0) => {
    const facts = factsOf(parse(query));
    return firstBreach(facts, facts.operation(undefined), tokens, limits);
  };

  it('names the limit and its value', () => {
    expect(breachOf('{ me { reviews { product { upc } } } }')).toMatchObject({
      code: 'MAX_DEPTH_EXCEEDED',
      value: 4,
      message: 'The operation is nested 4 deep; this gateway allows at most 3 (security.limits.maxDepth).',
    });
    expect(breachOf('{ me { reviews { body } } }')).toBeUndefined();
  });

  it('explains a cycle', () => {
    expect(breachOf('{ me { ...A } } fragment A on User { ...A }')?.message).toBe(
      'The operation spreads fragments in a cycle (A → A), so it is nested without end; this gateway allows at most 3 (security.limits.maxDepth).',
    );
  });

  it('reports tokens first', () => {
    expect(breachOf('{ me { reviews { product { upc } } } }', 5_001)?.code).toBe('MAX_TOKENS_EXCEEDED');
  });
});

describe('token counting', () => {
  it('counts punctuation, names and values, not comments', () => {
    expect(countTokens('query Q($a: Int = 1) { me # a comment\n { id } }', 100)).toBe(16);
  });

  it('stops at the given count, however long the text', () => {
    expect(countTokens('{ a }'.repeat(1_000_000), 10)).toBe(10);
  });

  it('counts up to a syntax error', () => {
    expect(countTokens('{ a ^ b }', 100)).toBe(2);
  });
});

describe('capping errors', () => {
  const error = (message: string, path?: string[]): GraphQLFormattedError => ({
    message,
    ...(path ? { path } : {}),
    extensions: { code: 'X' },
  });

  it('leaves a response with no more errors than the limit as it is', () => {
    expect(capErrors([error('a'), error('a')], 2)).toBeUndefined();
  });

  it('keeps the first distinct errors and says how many were left out', () => {
    const errors = [error('a', ['x']), error('a', ['x']), error('a', ['y']), error('b'), error('c')];
    expect(capErrors(errors, 2)).toEqual([
      error('a', ['x']),
      error('a', ['y']),
      {
        message: '3 more errors were left out (security.limits.maxErrors is 2).',
        extensions: { code: 'TOO_MANY_ERRORS' },
      },
    ]);
  });
});

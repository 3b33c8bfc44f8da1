import { describe, expect, it } from 'vitest';
import {
  ManifestError,
  MAX_MANIFEST_DOCUMENTS,
  parseManifest,
  parseManifestText,
  type ManifestOptions,
} from '../../../src/security/persisted/manifest.js';
import { SAFELIST_LIMITS } from '../../../src/store/safelist.js';

// The one reader of trusted-documents manifests: manifest files (parseManifestText, no option) and
// pushes to the registry's safelist (parseManifest with the per-push cap, as the CLI and the API do).

const ME = 'query Me { me { id } }';
const USERS = 'query Users { users { id } }';
const PUSH: ManifestOptions = { documentsPerPush: SAFELIST_LIMITS.documentsPerPush };

const apolloManifest = (operations: unknown[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});
const apollo = (operations: unknown[]) => JSON.stringify(apolloManifest(operations));

/** The problems a manifest is refused with (as a push, unless options say otherwise). */
function problems(manifest: unknown, options: ManifestOptions = PUSH): readonly string[] {
  return refusal(() => parseManifest(manifest, options)).problems;
}

function refusal(read: () => unknown): ManifestError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('the manifest was accepted');
}

describe('Apollo persisted-query manifest', () => {
  it('gives each operation as a document, by id, keeping an id listed twice with the same text once', () => {
    const manifest = apolloManifest([
      { id: 'a1', name: 'Me', type: 'query', body: ME },
      { id: 'b2', name: 'Rename', type: 'mutation', body: 'mutation Rename { rename }' },
      { id: 'a1', name: 'Me', type: 'query', body: ME },
    ]);
    const expected = {
      format: 'apollo',
      documents: [
        { id: 'a1', body: ME },
        { id: 'b2', body: 'mutation Rename { rename }' },
      ],
    };
    expect(parseManifest(manifest, PUSH)).toEqual(expected);
    expect(parseManifestText(JSON.stringify(manifest))).toEqual(expected);
  });

  it('accepts an empty list in a file, and an id listed twice with the same text', () => {
    expect(parseManifestText(apollo([])).documents).toEqual([]);
    const twice = { id: 'a', name: 'A', type: 'query', body: '{ a }' };
    expect(parseManifestText(apollo([twice, twice])).documents).toHaveLength(1);
  });

  it.each([
    [
      'another format',
      JSON.stringify({ format: 'relay', version: 1, operations: [] }),
      /^format: expected "apollo-persisted-query-manifest", got "relay"$/,
    ],
    [
      'another version',
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }),
      /^version: expected 1/,
    ],
    [
      'no operations',
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1 }),
      /^operations: expected an array of \{ "id", "name", "type", "body" \}$/,
    ],
    [
      'operations that are not a list',
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: {} }),
      /^operations: expected an array/,
    ],
    [
      'an operation without body',
      apollo([
        { id: 'a', name: 'A', type: 'query', body: '{ a }' },
        { id: 'b', name: 'B', type: 'query' },
      ]),
      /^operations\[1\]\.body: expected a non-empty string$/,
    ],
    [
      'an empty id',
      apollo([{ id: '', name: 'A', type: 'query', body: '{ a }' }]),
      /^operations\[0\]\.id: expected a non-empty string$/,
    ],
    [
      'a name that is not a string',
      apollo([{ id: 'a', name: 42, type: 'query', body: '{ a }' }]),
      /^operations\[0\]\.name: expected a string$/,
    ],
    [
      'an unknown type',
      apollo([{ id: 'a', name: 'A', type: 'fragment', body: '{ a }' }]),
      /^operations\[0\]\.type: expected query, mutation or subscription, got "fragment"$/,
    ],
    ['an operation that is not an object', apollo(['{ a }']), /^operations\[0\]: expected an object/],
    [
      'one id with two texts',
      apollo([
        { id: 'a', body: '{ a }' },
        { id: 'a', body: '{ b }' },
      ]),
      /^operations\[1\]: id "a" is listed twice with different operation texts$/,
    ],
  ])('refuses %s, saying where', (_case, text, message) => {
    expect(() => parseManifestText(text)).toThrow(message);
    expect(() => parseManifest(JSON.parse(text), PUSH)).toThrow(message);
  });

  it('names every entry that is wrong, the first 10', () => {
    expect(problems(apolloManifest([{ id: 'a', body: ME }, { id: 'b' }, { body: ME }]))).toEqual([
      'operations[1].body: expected a non-empty string',
      'operations[2].id: expected a non-empty string',
    ]);
    const bad = problems(apolloManifest(Array.from({ length: 12 }, (_, index) => ({ id: `i${index}` }))));
    expect(bad).toHaveLength(10);
    expect(bad[9]).toBe('operations[9].body: expected a non-empty string');
  });
});

describe('Relay manifest', () => {
  it('maps each id to its text', () => {
    const expected = {
      format: 'relay',
      documents: [
        { id: 'r1', body: ME },
        { id: 'r2', body: USERS },
      ],
    };
    expect(parseManifest({ r1: ME, r2: USERS }, PUSH)).toEqual(expected);
    expect(parseManifestText(JSON.stringify({ r1: ME, r2: USERS }))).toEqual(expected);
  });

  it.each([
    [
      'a text that is not a string',
      JSON.stringify({ abc: 42 }),
      /^"abc" \(a Relay manifest maps ids to operation text\): expected a non-empty string$/,
    ],
    ['an empty text', JSON.stringify({ abc: '  ' }), /^"abc" .*expected a non-empty string$/],
    [
      'an empty id',
      JSON.stringify({ '': '{ a }' }),
      /^"": the id must be 1 to 256 characters without spaces$/,
    ],
  ])('refuses %s', (_case, text, message) => {
    expect(() => parseManifestText(text)).toThrow(message);
  });
});

describe('any manifest', () => {
  it.each([
    ['text that is not JSON', '{ not json', /^not valid JSON \(/],
    ['a JSON array', '[]', /^expected a JSON object/],
    ['a JSON string', '"query"', /^expected a JSON object/],
  ])('refuses %s', (_case, text, message) => {
    expect(() => parseManifestText(text)).toThrow(message);
  });

  it('refuses what is neither format, saying what both look like', () => {
    for (const manifest of [[], 'text', null, 42]) {
      expect(problems(manifest).join(' ')).toMatch(
        /^expected a JSON object: Apollo's persisted-query manifest .* or Relay's map/,
      );
    }
  });

  it('refuses a text that is not a GraphQL operation, and an id reused for another text', () => {
    expect(problems({ r1: 'query {', r2: 'fragment F on User { id }' })).toEqual([
      expect.stringMatching(/^"r1": the text is not a GraphQL operation: Syntax Error/),
      '"r2": the text has no operation (only fragments?)',
    ]);
    expect(() => parseManifestText(JSON.stringify({ r1: 'query {' }))).toThrow(
      /^"r1": the text is not a GraphQL operation: Syntax Error/,
    );
    expect(
      problems(
        apolloManifest([
          { id: 'a', body: ME },
          { id: 'a', body: USERS },
        ]),
      ),
    ).toEqual(['operations[1]: id "a" is listed twice with different operation texts']);
  });

  it('bounds ids and texts, in files as in pushes', () => {
    const longId = 'x'.repeat(SAFELIST_LIMITS.idLength + 1);
    expect(problems({ [longId]: ME })[0]).toMatch(/the id must be 1 to 256 characters without spaces/);
    expect(problems({ 'a b': ME })[0]).toMatch(/without spaces/);
    expect(problems({ 'a b': ME }, {})[0]).toMatch(/without spaces/);
    const big = `query Big { ${'me { id } '.repeat(SAFELIST_LIMITS.bodyBytes / 10)} }`;
    expect(problems({ big })[0]).toMatch(
      /^"big": the operation text is \d+ bytes, more than the limit of 131072$/,
    );
    expect(problems(apolloManifest([{ id: 'big', body: big }]), {})[0]).toMatch(
      /^operations\[0\]: the operation text is \d+ bytes, more than the limit of 131072$/,
    );
    expect(parseManifest({ ok: `query Ok { ${'me { id } '.repeat(10)} }` }, PUSH).documents).toHaveLength(1);
  });
});

describe('the number of operations', () => {
  const relayOf = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`id${index}`, ME]));

  it('refuses a push of none', () => {
    expect(problems({})).toEqual(['the manifest lists no operations']);
    expect(problems(apolloManifest([]))).toEqual(['operations: the manifest lists no operations']);
  });

  it('refuses a push of more than one push may carry, as too large', () => {
    const error = refusal(() => parseManifest(relayOf(SAFELIST_LIMITS.documentsPerPush + 1), PUSH));
    expect(error.tooLarge).toBe(true);
    expect(error.message).toBe(
      'the manifest lists 10001 operations, more than the 10000 one push may carry: split it',
    );
  });

  it('reads a file past the per-push cap, up to the bound of a manifest', () => {
    expect(MAX_MANIFEST_DOCUMENTS).toBe(100_000);
    expect(parseManifest(relayOf(SAFELIST_LIMITS.documentsPerPush + 1)).documents).toHaveLength(10_001);
    const error = refusal(() => parseManifestText(apollo(Array(MAX_MANIFEST_DOCUMENTS + 1).fill({}))));
    expect(error.tooLarge).toBe(true);
    expect(error.message).toBe(
      'the manifest lists 100001 operations, more than the limit of 100000 per manifest: split it',
    );
  });
});

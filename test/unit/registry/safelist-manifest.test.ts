import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../../../src/registry/safelist-manifest.js';
import { SAFELIST_LIMITS } from '../../../src/store/safelist.js';

const ME = 'query Me { me { id } }';
const USERS = 'query Users { users { id } }';

function problems(manifest: unknown): readonly string[] {
  try {
    parseManifest(manifest);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as ManifestError).problems;
  }
  throw new Error('the manifest was accepted');
}

describe('reading a safelist manifest', () => {
  it("reads Apollo's persisted-query manifest, keeping an id listed twice with the same text once", () => {
    const manifest = parseManifest({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: 'a1', name: 'Me', type: 'query', body: ME },
        { id: 'b2', name: 'Users', type: 'query', body: USERS },
        { id: 'a1', name: 'Me', type: 'query', body: ME },
      ],
    });
    expect(manifest).toEqual({
      format: 'apollo',
      documents: [
        { id: 'a1', body: ME },
        { id: 'b2', body: USERS },
      ],
    });
  });

  it("reads Relay's map of ids to operation texts", () => {
    expect(parseManifest({ r1: ME, r2: USERS })).toEqual({
      format: 'relay',
      documents: [
        { id: 'r1', body: ME },
        { id: 'r2', body: USERS },
      ],
    });
  });

  it('refuses what is neither format, saying what both look like', () => {
    for (const manifest of [[], 'text', null, { r1: 42 }]) {
      expect(problems(manifest).join(' ')).toMatch(
        /expected Apollo's persisted-query manifest .* or Relay's map/,
      );
    }
    expect(problems({})).toEqual(['the manifest lists no operations']);
  });

  it('names the field of an Apollo manifest that is wrong', () => {
    const apollo = (extra: object) => ({ format: 'apollo-persisted-query-manifest', version: 1, ...extra });
    expect(problems({ format: 'other', operations: [] })).toEqual([
      'format: expected "apollo-persisted-query-manifest", got "other"',
    ]);
    expect(problems(apollo({ version: 2, operations: [] }))[0]).toMatch(/^version: expected 1/);
    expect(problems(apollo({ operations: {} }))).toEqual(['operations: expected a list of { "id", "body" }']);
    expect(problems(apollo({ operations: [{ id: 'a', body: ME }, { id: 'b' }, { body: ME }] }))).toEqual([
      'operations[1].body: expected the operation text as a string',
      'operations[2].id: expected a string',
    ]);
  });

  it('refuses a text that is not a GraphQL operation, and an id reused for another text', () => {
    expect(problems({ r1: 'query {', r2: 'fragment F on User { id }' })).toEqual([
      expect.stringMatching(/^"r1": the text is not a GraphQL operation: Syntax Error/),
      '"r2": the text has no operation (only fragments?)',
    ]);
    const reused = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: 'a', body: ME },
        { id: 'a', body: USERS },
      ],
    };
    expect(problems(reused)).toEqual([
      'operations[1]: id "a" is listed twice with different operation texts',
    ]);
  });

  it('bounds ids, texts and the number of operations', () => {
    const longId = 'x'.repeat(SAFELIST_LIMITS.idLength + 1);
    expect(problems({ [longId]: ME })[0]).toMatch(/the id must be 1 to 256 characters without spaces/);
    expect(problems({ 'a b': ME })[0]).toMatch(/without spaces/);
    const big = `query Big { ${'me { id } '.repeat(SAFELIST_LIMITS.bodyBytes / 10)} }`;
    expect(problems({ big })[0]).toMatch(
      /^"big": the operation text is \d+ bytes, more than the limit of 131072$/,
    );
    expect(parseManifest({ ok: `query Ok { ${'me { id } '.repeat(10)} }` }).documents).toHaveLength(1);

    const many = Object.fromEntries(
      Array.from({ length: SAFELIST_LIMITS.documentsPerPush + 1 }, (_, index) => [`id${index}`, ME]),
    );
    let refusal: unknown;
    try {
      parseManifest(many);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ManifestError);
    expect((refusal as ManifestError).tooLarge).toBe(true);
    expect((refusal as ManifestError).message).toBe(
      'the manifest lists 10001 operations, more than the 10000 one push may carry: split it',
    );
  });
});

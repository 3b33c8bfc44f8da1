import { describe, expect, it } from 'vitest';
import { sha256Hex, TrustedSet } from '../../../src/security/persisted/trusted-set.js';

describe('the trusted set', () => {
  it('trusts the ids and the exact texts of every source', () => {
    const set = new TrustedSet(2);
    set.replace(0, [{ id: 'a', body: '{ a }' }]);
    set.replace(1, [{ id: 'b', body: '{ b }' }]);
    expect(set.byDocumentId('a')?.body).toBe('{ a }');
    expect(set.byDocumentId('b')?.body).toBe('{ b }');
    expect(set.byDocumentId('c')).toBeUndefined();
    expect(set.trustsText(sha256Hex('{ b }'))).toBe(true);
    expect(set.trustsText(sha256Hex('{ b } '))).toBe(false);
  });

  it('replaces only the part of the source that changed', () => {
    const set = new TrustedSet(2);
    set.replace(0, [{ id: 'a', body: '{ a }' }]);
    set.replace(1, [{ id: 'b', body: '{ b }' }]);
    set.replace(1, [{ id: 'c', body: '{ c }' }]);
    expect(set.byDocumentId('a')).toBeDefined();
    expect(set.byDocumentId('b')).toBeUndefined();
    expect(set.trustsText(sha256Hex('{ b }'))).toBe(false);
    expect(set.size).toBe(2);
  });

  it('resolves an id both sources list to the first source (manifests before the registry)', () => {
    const set = new TrustedSet(2);
    set.replace(1, [{ id: 'x', body: '{ registry }' }]);
    set.replace(0, [{ id: 'x', body: '{ manifest }' }]);
    expect(set.byDocumentId('x')?.body).toBe('{ manifest }');
    // Both texts are trusted when sent in full.
    expect(set.trustsText(sha256Hex('{ registry }'))).toBe(true);
  });
});

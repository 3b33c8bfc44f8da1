import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/security/persisted/manifest.js';

const apollo = (operations: unknown[]) =>
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });

describe('Apollo persisted-query manifest', () => {
  it('gives each operation as a document, by id', () => {
    const documents = parseManifest(
      apollo([
        { id: 'a1', name: 'Me', type: 'query', body: 'query Me { me { id } }' },
        { id: 'b2', name: 'Rename', type: 'mutation', body: 'mutation Rename { rename }' },
      ]),
    );
    expect(documents).toEqual([
      { id: 'a1', body: 'query Me { me { id } }' },
      { id: 'b2', body: 'mutation Rename { rename }' },
    ]);
  });

  it('accepts an empty list and an id listed twice with the same text', () => {
    expect(parseManifest(apollo([]))).toEqual([]);
    const twice = { id: 'a', name: 'A', type: 'query', body: '{ a }' };
    expect(parseManifest(apollo([twice, twice]))).toHaveLength(1);
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
      /^operations: expected an array$/,
    ],
    [
      'an operation without body',
      apollo([
        { id: 'a', name: 'A', type: 'query', body: 'x' },
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
      /^operations\[1\]: id "a" is listed twice with different operations$/,
    ],
  ])('refuses %s, saying where', (_case, text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});

describe('Relay manifest', () => {
  it('maps each id to its text', () => {
    expect(parseManifest(JSON.stringify({ abc: 'query A { a }', def: 'query B { b }' }))).toEqual([
      { id: 'abc', body: 'query A { a }' },
      { id: 'def', body: 'query B { b }' },
    ]);
  });

  it.each([
    [
      'a text that is not a string',
      JSON.stringify({ abc: 42 }),
      /^"abc" \(a Relay manifest maps ids to operation text\): expected a non-empty string$/,
    ],
    ['an empty text', JSON.stringify({ abc: '  ' }), /^"abc" .*expected a non-empty string$/],
    ['an empty id', JSON.stringify({ '': '{ a }' }), /^an id is empty$/],
  ])('refuses %s', (_case, text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});

describe('any manifest', () => {
  it.each([
    ['text that is not JSON', '{ not json', /^not valid JSON \(/],
    ['a JSON array', '[]', /^expected a JSON object/],
    ['a JSON string', '"query"', /^expected a JSON object/],
  ])('refuses %s', (_case, text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});

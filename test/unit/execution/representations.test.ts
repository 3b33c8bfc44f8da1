import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/execution/merge-data.js';
import {
  RepresentationSet,
  compileRequires,
  flatRequires,
  selectRepresentation,
} from '../../../src/execution/plan/representations.js';
import { composeFixture } from './fixture.js';

const fixture = composeFixture({
  a: `
    type Query { products: [Product] media: [Media] }
    type Product @key(fields: "upc") @key(fields: "sku variant { id }") {
      upc: String! sku: String! variant: Variant! price: Int
    }
    type Variant { id: ID! }
    interface Media @key(fields: "id") { id: ID! }
    type Book implements Media @key(fields: "id") { id: ID! }
    type Movie implements Media @key(fields: "id") { id: ID! }
  `,
});

const keys = new Set<string>();
const byUpc = compileRequires(
  [
    {
      kind: 'InlineFragment',
      typeCondition: 'Product',
      selections: [
        { kind: 'Field', name: '__typename' },
        { kind: 'Field', name: 'upc' },
      ],
    },
  ],
  fixture.facts,
  keys,
);
const bySkuAndVariant = compileRequires(
  [
    {
      kind: 'InlineFragment',
      typeCondition: 'Product',
      selections: [
        { kind: 'Field', name: '__typename' },
        { kind: 'Field', name: 'sku' },
        { kind: 'Field', name: 'variant', selections: [{ kind: 'Field', name: 'id' }] },
      ],
    },
  ],
  fixture.facts,
  keys,
);
const onMedia = compileRequires(
  [
    {
      kind: 'InlineFragment',
      typeCondition: 'Media',
      selections: [
        { kind: 'Field', name: '__typename' },
        { kind: 'Field', name: 'id' },
      ],
    },
  ],
  fixture.facts,
  keys,
);

function add(entities: JsonObject[], requires = byUpc, set = new RepresentationSet()) {
  const mapping = set.add(entities, requires, flatRequires(requires), []);
  return { set, mapping, json: set.json };
}

describe('representations', () => {
  it('are de-duplicated, each entity mapped to its unique representation', () => {
    const entities = [
      { __typename: 'Product', upc: '1', name: 'Table' },
      { __typename: 'Product', upc: '2' },
      { __typename: 'Product', upc: '1' },
      { __typename: 'Product', upc: '1', price: 3 },
    ];
    const { mapping, json } = add(entities);
    expect(json).toEqual(['{"__typename":"Product","upc":"1"}', '{"__typename":"Product","upc":"2"}']);
    expect(mapping).toEqual([0, 0, 1, 1, 2, 0, 3, 0]);
  });

  it('tell "1" from 1, as JSON does', () => {
    const { json, mapping } = add([
      { __typename: 'Product', upc: '1' },
      { __typename: 'Product', upc: 1 },
      { __typename: 'Product', upc: null },
    ]);
    expect(json).toEqual([
      '{"__typename":"Product","upc":"1"}',
      '{"__typename":"Product","upc":1}',
      '{"__typename":"Product","upc":null}',
    ]);
    expect(mapping).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('skip entities of another type and entities missing a key field, as Apollo does', () => {
    const { json, mapping } = add([
      { __typename: 'Variant', upc: '1' },
      { __typename: 'Product' },
      { upc: '3' },
      { __typename: 'Product', upc: '4' },
    ]);
    expect(json).toEqual(['{"__typename":"Product","upc":"4"}']);
    expect(mapping).toEqual([3, 0]);
  });

  it('with nested key fields, through the general path', () => {
    expect(flatRequires(bySkuAndVariant)).toBeUndefined();
    const { json, mapping } = add(
      [
        { __typename: 'Product', sku: 'A', variant: { id: '1', color: 'red' } },
        { __typename: 'Product', sku: 'A', variant: { id: '1' } },
        { __typename: 'Product', sku: 'A', variant: { id: '2' } },
      ],
      bySkuAndVariant,
    );
    expect(json).toEqual([
      '{"__typename":"Product","sku":"A","variant":{"id":"1"}}',
      '{"__typename":"Product","sku":"A","variant":{"id":"2"}}',
    ]);
    expect(mapping).toEqual([0, 0, 1, 0, 2, 1]);
  });

  it('an object where a flat key field was expected falls back to the general path', () => {
    const { json, mapping } = add([
      { __typename: 'Product', upc: { weird: true } },
      { __typename: 'Product', upc: { weird: true } },
    ]);
    expect(json).toEqual(['{"__typename":"Product","upc":{"weird":true}}']);
    expect(mapping).toEqual([0, 0, 1, 0]);
  });

  it('a type condition on an interface applies to its implementations', () => {
    const { json } = add(
      [
        { __typename: 'Book', id: '1' },
        { __typename: 'Movie', id: '1' },
        { __typename: 'Product', id: '1' },
      ],
      onMedia,
    );
    expect(json).toEqual(['{"__typename":"Book","id":"1"}', '{"__typename":"Movie","id":"1"}']);
  });

  it('are shared between the fetches of one call', () => {
    const set = new RepresentationSet();
    add([{ __typename: 'Product', upc: '1' }], byUpc, set);
    const second = add(
      [
        { __typename: 'Product', upc: '2' },
        { __typename: 'Product', upc: '1' },
      ],
      byUpc,
      set,
    );
    expect(second.json).toHaveLength(2);
    expect(second.mapping).toEqual([0, 1, 1, 0]);
  });

  it('selectRepresentation keeps only the required fields, in their order', () => {
    expect(
      selectRepresentation(
        { variant: { id: '1', color: 'red' }, sku: 'A', __typename: 'Product', x: 1 },
        bySkuAndVariant,
      ),
    ).toEqual({ __typename: 'Product', sku: 'A', variant: { id: '1' } });
    expect(JSON.stringify(selectRepresentation({ upc: 'u', __typename: 'Product' }, byUpc))).toBe(
      '{"__typename":"Product","upc":"u"}',
    );
    expect(selectRepresentation({ __typename: 'Product', sku: 'A' }, bySkuAndVariant)).toEqual({});
  });
});

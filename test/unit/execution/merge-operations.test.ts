import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  mergeOperations,
  mergeableRootKeys,
  partPrefix,
} from '../../../src/execution/plan/merge-operations.js';

// A subgraph schema to check that merged operations are still valid GraphQL for the subgraph.
const schema = buildSubgraphSchema({
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
    type Query { top(first: Int): [Product] user(id: ID!): User }
    type Product @key(fields: "upc") { upc: String! name: String reviews(first: Int): [Review] }
    type User @key(fields: "id") { id: ID! name: String reviews(first: Int): [Review] }
    type Review { id: ID! body: String }
  `),
});

const products = `query Q__reviews__1($representations:[_Any!]!,$first:Int){_entities(representations:$representations){...on Product{reviews(first:$first){...Review}}}}fragment Review on Review{id body}`;
const users = `query Q__reviews__2($representations:[_Any!]!){_entities(representations:$representations){...on User{name reviews{...Review}}}}fragment Review on Review{id body}`;
const usersOtherFragment = `query Q__reviews__3($representations:[_Any!]!){_entities(representations:$representations){...on User{reviews{...Review}}}}fragment Review on Review{id}`;

function merge(...operations: string[]): string {
  return mergeOperations(
    operations.map((operation, index) => ({ document: parse(operation), prefix: partPrefix(index) })),
    'Q__reviews__1',
  );
}

describe('merging fetch operations', () => {
  it('aliases root fields and prefixes variables, sharing identical fragments', () => {
    const merged = merge(products, users);
    expect(merged).toBe(
      'query Q__reviews__1($_0_representations:[_Any!]!$_0_first:Int$_1_representations:[_Any!]!)' +
        '{_0__entities:_entities(representations:$_0_representations){...on Product{reviews(first:$_0_first){...Review}}}' +
        '_1__entities:_entities(representations:$_1_representations){...on User{name reviews{...Review}}}}' +
        'fragment Review on Review{id body}',
    );
    expect(validate(schema, parse(merged))).toEqual([]);
  });

  it('renames the fragments of a part whose fragment clashes with another one', () => {
    const merged = merge(products, usersOtherFragment);
    expect(merged).toContain('fragment Review on Review{id body}');
    expect(merged).toContain('fragment _1_Review on Review{id}');
    expect(merged).toContain('...on User{reviews{..._1_Review}}');
    expect(validate(schema, parse(merged))).toEqual([]);
  });

  it('renames fragments that use variables, which differ per part', () => {
    const withVariable = (n: number) =>
      `query($representations:[_Any!]!,$first:Int){_entities(representations:$representations){...on User{...F}}}fragment F on User{reviews(first:$first){id}x${n}:name}`;
    const merged = merge(withVariable(1), withVariable(2));
    expect(merged).toContain('fragment F on User{reviews(first:$_0_first){id}x1:name}');
    expect(merged).toContain('fragment _1_F on User{reviews(first:$_1_first){id}x2:name}');
    expect(validate(schema, parse(merged))).toEqual([]);
  });

  it('merges root query fields with their own aliases', () => {
    const merged = merge('{top(first:2){upc}}', 'query($id:ID!){me:user(id:$id){id}}');
    expect(merged).toBe('query Q__reviews__1($_1_id:ID!){_0_top:top(first:2){upc}_1_me:user(id:$_1_id){id}}');
    expect(validate(schema, parse(merged))).toEqual([]);
  });

  it('leaves out what cannot be merged: fragments at the root, mutations, directives', () => {
    expect(mergeableRootKeys(parse(products))).toEqual(['_entities']);
    expect(mergeableRootKeys(parse('{a:top{upc} top{upc} a:top{name}}'))).toEqual(['a', 'top']);
    expect(mergeableRootKeys(parse('{...on Query{top{upc}}}'))).toBeUndefined();
    expect(mergeableRootKeys(parse('mutation{reset}'))).toBeUndefined();
    expect(mergeableRootKeys(parse('query @cached {top{upc}}'))).toBeUndefined();
  });
});

import { getOperationAST, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationSignature } from '../../../src/registry/usage-signature.js';

function signature(query: string, operationName?: string) {
  const document = parse(query);
  const operation = getOperationAST(document, operationName) as OperationDefinitionNode;
  return operationSignature(document, operation);
}

describe('the operation signature', () => {
  it('hides literals and strips ignored characters', () => {
    const { text, hash } = signature(`
      # a comment
      query Product($first: Int = 5) {
        product(id: "p-1", ratio: 1.5, tags: ["a", "b"], filter: { price: 3 }) {
          name
          reviews(first: $first) { body }
        }
      }`);
    expect(text).toBe(
      'query Product($first:Int=0){product(filter:{},id:"",ratio:0,tags:[]){name reviews(first:$first){body}}}',
    );
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    // Still GraphQL: a registry page or a log can show it as the operation.
    expect(() => parse(text)).not.toThrow();
  });

  it('is the same for the same operation written with other whitespace, literals, aliases or field order', () => {
    const a = signature('query Q { product(id: "1") { name price } }');
    const b = signature(`query Q {
      item: product(id: "two") {
        price
        name
      }
    }`);
    expect(b).toEqual(a);
  });

  it('keeps enum values, booleans and null, which are part of what is asked', () => {
    expect(signature('{ products(sort: PRICE, inStock: true, after: null) { name } }').text).toBe(
      '{products(after:null,inStock:true,sort:PRICE){name}}',
    );
    expect(signature('{ products(sort: NAME) { name } }').hash).not.toBe(
      signature('{ products(sort: PRICE) { name } }').hash,
    );
  });

  it('differs by operation name and by what is selected', () => {
    const base = signature('query A { me { id } }').hash;
    expect(signature('query B { me { id } }').hash).not.toBe(base);
    expect(signature('query A { me { id name } }').hash).not.toBe(base);
  });

  it('takes the selected operation and only the fragments it uses, in name order', () => {
    const document = `
      query Other { me { ...Unused } }
      query Mine { me { ...Outer } }
      fragment Unused on User { email }
      fragment Outer on User { id ...Inner }
      fragment Inner on User { name }`;
    expect(signature(document, 'Mine').text).toBe(
      'query Mine{me{...Outer}} fragment Inner on User{name} fragment Outer on User{id...Inner}',
    );
    expect(signature(document, 'Mine').hash).toBe(
      signature(
        'query Mine { me { ...Outer } } fragment Outer on User { id ...Inner } fragment Inner on User { name }',
      ).hash,
    );
  });

  it('sorts inline fragments after fields and hides literals in directives and variable defaults', () => {
    expect(
      signature(`query Q($skip: Boolean = false, $a: String = "x") {
        node(id: "n") { ... on User @include(if: $skip) { name } id @deprecated(reason: "no") }
      }`).text,
    ).toBe(
      'query Q($a:String="",$skip:Boolean=false){node(id:""){id@deprecated(reason:"")...on User@include(if:$skip){name}}}',
    );
  });
});

import { buildSchema, getOperationAST, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schemaCoordinates } from '../../../src/registry/usage-coordinates.js';

const schema = buildSchema(/* GraphQL */ `
  interface Node {
    id: ID!
  }
  enum Sort {
    PRICE
    NAME
  }
  enum Currency {
    EUR
    USD
  }
  input Money {
    amount: Float!
    currency: Currency!
  }
  input ProductFilter {
    maxPrice: Money
    tags: [String!]
    sort: Sort
  }
  type User implements Node {
    id: ID!
    name: String
    email: String
  }
  type Product implements Node {
    id: ID!
    name: String
    price(currency: Currency = EUR): Float
  }
  type Query {
    node(id: ID!): Node
    me: User
    products(filter: ProductFilter, first: Int, sort: Sort): [Product!]!
  }
`);

function coordinates(query: string, operationName?: string): string[] {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = getOperationAST(document, operationName) as OperationDefinitionNode;
  return schemaCoordinates(schema, document, operation);
}

describe('the schema coordinates of an operation', () => {
  it('names every field selected, on its type, and every argument given', () => {
    expect(coordinates('{ products(first: 3) { name price(currency: USD) } me { id } }')).toEqual([
      'Currency.USD',
      'Product.name',
      'Product.price',
      'Product.price.currency',
      'Query.me',
      'Query.products',
      'Query.products.first',
      'User.id',
    ]);
  });

  it('sees through aliases and leaves out __typename', () => {
    expect(coordinates('{ mine: me { who: name __typename } also: me { email } }')).toEqual([
      'Query.me',
      'User.email',
      'User.name',
    ]);
  });

  it('follows the fragments the selected operation uses, and only those', () => {
    expect(
      coordinates(
        `query Mine { me { ...Outer } }
         query Other { products { ...ProductBits } }
         fragment Outer on User { id ...Inner }
         fragment Inner on User { email }
         fragment ProductBits on Product { price }`,
        'Mine',
      ),
    ).toEqual(['Query.me', 'User.email', 'User.id']);
  });

  it('puts a field selected on an interface on the interface, and one in an inline fragment on the type', () => {
    expect(
      coordinates('{ node(id: "1") { id ... on User { name } ... on Product { price } ...{ id } } }'),
    ).toEqual(['Node.id', 'Product.price', 'Query.node', 'Query.node.id', 'User.name']);
  });

  it('names input-object fields and enum values written as literals', () => {
    expect(
      coordinates(`{
        products(filter: { maxPrice: { amount: 10, currency: EUR }, sort: NAME }, sort: PRICE) { id }
      }`),
    ).toEqual([
      'Currency.EUR',
      'Money.amount',
      'Money.currency',
      'Product.id',
      'ProductFilter.maxPrice',
      'ProductFilter.sort',
      'Query.products',
      'Query.products.filter',
      'Query.products.sort',
      'Sort.NAME',
      'Sort.PRICE',
    ]);
  });

  it('counts an argument given by a variable, and every member of an input type that arrives in one', () => {
    expect(
      coordinates(`query Q($filter: ProductFilter, $first: Int) {
        products(filter: $filter, first: $first) { id }
      }`),
    ).toEqual([
      'Currency.EUR',
      'Currency.USD',
      'Money.amount',
      'Money.currency',
      'Product.id',
      'ProductFilter.maxPrice',
      'ProductFilter.sort',
      'ProductFilter.tags',
      'Query.products',
      'Query.products.filter',
      'Query.products.first',
      'Sort.NAME',
      'Sort.PRICE',
    ]);
  });

  it('leaves out directive arguments', () => {
    expect(coordinates('query Q($on: Boolean!) { me @include(if: $on) { id } }')).toEqual([
      'Query.me',
      'User.id',
    ]);
  });
});

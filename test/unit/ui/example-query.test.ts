import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

import { exampleQuery } from '../../../src/ui/sandbox/example-query.js';

describe('the sandbox example operation', () => {
  it('selects the first root field without required arguments, a few scalars and one nested object', () => {
    const schema = buildSchema(`
      type Query {
        product(upc: String!): Product
        topProducts(first: Int = 5): [Product!]!
        me: User
      }
      type Product {
        upc: String!
        name: String!
        price: Int
        weight: Int
        inStock: Boolean
        shippingEstimate(zip: String!): Int
        reviews: [Review!]!
      }
      type Review { id: ID! body: String! author: User! }
      type User { id: ID! username: String! }
    `);
    const example = exampleQuery(schema);
    expect(example).toBe(
      [
        'query Example {',
        '  topProducts {',
        '    upc',
        '    name',
        '    price',
        '    weight',
        '    reviews {',
        '      id',
        '      body',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(validate(schema, parse(example!))).toEqual([]);
  });

  it('handles scalar roots, unions and graphs with nothing to select', () => {
    const scalar = buildSchema('type Query { version(long: Boolean): String }');
    expect(exampleQuery(scalar)).toBe('query Example {\n  version\n}\n');

    const union = buildSchema(`
      type Query { search: [Result] }
      union Result = A | B
      type A { a: Int }
      type B { b: Int }
    `);
    const unionExample = exampleQuery(union)!;
    expect(unionExample).toContain('search {\n    __typename\n  }');
    expect(validate(union, parse(unionExample))).toEqual([]);

    const onlyArguments = buildSchema('type Query { user(id: ID!): String }');
    expect(exampleQuery(onlyArguments)).toBeUndefined();
  });
});

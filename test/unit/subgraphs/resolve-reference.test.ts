import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../../subgraphs/accounts/index.js';
import type { SubgraphDefinition } from '../../../subgraphs/lib/serve-subgraph.js';
import { productsSubgraph } from '../../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../../subgraphs/reviews/index.js';

// Executed through Apollo Server (as serve-subgraph does) rather than graphql-js directly: under
// vitest, `import 'graphql'` resolves to the ESM build while @apollo/subgraph uses the CJS one.
async function run(
  definition: SubgraphDefinition,
  query: string,
  variables?: Record<string, unknown>,
): Promise<unknown> {
  const schema = buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers });
  const server = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  const response = await server.executeOperation(variables ? { query, variables } : { query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors } = response.body.singleResult;
  return JSON.parse(JSON.stringify(errors ? { data, errors } : { data }));
}

describe('accounts', () => {
  it('resolves User references, null for unknown ids', async () => {
    const result = await run(
      accountsSubgraph,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name username } } }`,
      {
        r: [
          { __typename: 'User', id: '3' },
          { __typename: 'User', id: '404' },
        ],
      },
    );
    expect(result).toEqual({
      data: { _entities: [{ id: '3', name: 'Priya Raman', username: 'priyar' }, null] },
    });
  });

  it('serves me, user and users', async () => {
    const result = await run(accountsSubgraph, `{ me { id } user(id: "6") { email } users { id } }`);
    expect(result).toEqual({
      data: {
        me: { id: '1' },
        user: { email: 'kenji.watanabe@example.com' },
        users: ['1', '2', '3', '4', '5', '6'].map((id) => ({ id })),
      },
    });
  });
});

describe('products', () => {
  const query = `query($r: [_Any!]!) {
    _entities(representations: $r) { __typename ... on Product { upc name } }
  }`;

  it('resolves interface references (from the @interfaceObject) to the concrete type', async () => {
    const result = await run(productsSubgraph, query, {
      r: [
        { __typename: 'Product', upc: '1' },
        { __typename: 'Product', upc: '2' },
        { __typename: 'Product', upc: '404' },
      ],
    });
    expect(result).toEqual({
      data: {
        _entities: [
          { __typename: 'Book', upc: '1', name: 'Designing Data-Intensive Applications' },
          { __typename: 'Furniture', upc: '2', name: 'Oak Writing Desk' },
          null,
        ],
      },
    });
  });

  it('resolves concrete references only for products of that type', async () => {
    const result = await run(productsSubgraph, query, {
      r: [
        { __typename: 'Book', upc: '3' },
        { __typename: 'Book', upc: '4' },
        { __typename: 'Furniture', upc: '4' },
      ],
    });
    expect(result).toEqual({
      data: {
        _entities: [
          { __typename: 'Book', upc: '3', name: 'The Pragmatic Programmer' },
          null,
          { __typename: 'Furniture', upc: '4', name: 'Ergonomic Office Chair' },
        ],
      },
    });
  });

  it('limits topProducts and rejects a negative limit', async () => {
    expect(await run(productsSubgraph, `{ topProducts { upc } two: topProducts(first: 2) { upc } }`)).toEqual(
      {
        data: {
          topProducts: ['1', '2', '3', '4', '5'].map((upc) => ({ upc })),
          two: [{ upc: '1' }, { upc: '2' }],
        },
      },
    );
    const negative = (await run(productsSubgraph, `{ topProducts(first: -1) { upc } }`)) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(negative.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('reviews', () => {
  it('resolves Review, User and Product references, using the @requires field', async () => {
    const result = await run(
      reviewsSubgraph,
      `query($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Review { id rating author { id username } product { upc } }
          ... on User { id reviews { id } }
          ... on Product { upc reviewCount averageRating ratingLabel }
        }
      }`,
      {
        r: [
          { __typename: 'Review', id: '5' },
          { __typename: 'Review', id: '404' },
          { __typename: 'User', id: '5' },
          { __typename: 'Product', upc: '3', name: 'The Pragmatic Programmer' },
          { __typename: 'Product', upc: '404', name: 'Unknown' },
        ],
      },
    );
    expect(result).toEqual({
      data: {
        _entities: [
          { id: '5', rating: 3, author: { id: '4', username: 'dfernandez' }, product: { upc: '4' } },
          null,
          { id: '5', reviews: [{ id: '7' }, { id: '8' }] },
          {
            upc: '3',
            reviewCount: 2,
            averageRating: 4.5,
            ratingLabel: 'The Pragmatic Programmer: 4.5/5 from 2 reviews',
          },
          { upc: '404', reviewCount: 0, averageRating: null, ratingLabel: 'Unknown: no reviews yet' },
        ],
      },
    });
  });
});

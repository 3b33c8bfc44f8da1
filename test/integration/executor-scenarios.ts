import { GraphQLError, parse } from 'graphql';
import type { ConformanceCase, ConformanceScenario, SubgraphDefinition } from './conformance/types.js';

/*
 * Scenarios aimed at what Gatehouse's executor does differently from Apollo's: de-duplicated
 * representations (errors and nulls must still come once per duplicate, with each one's path), one
 * request for the same operation from several places of the plan, one request merging different
 * operations (and what happens when such a request fails as a whole), and Condition nodes.
 */

export interface ExecutorCase extends ConformanceCase {
  /**
   * A merged request is expected to fail as a whole and be retried fetch by fetch, which costs more
   * subgraph requests than Apollo's executor sends.
   */
  retried?: boolean;
}

export interface ExecutorScenario extends ConformanceScenario {
  cases: ExecutorCase[];
}

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

const items = [
  { id: 'i1', upc: 'p1' },
  { id: 'i2', upc: 'p2' },
  { id: 'i3', upc: 'bad' },
  { id: 'i4', upc: 'p1' },
  { id: 'i5', upc: 'bad' },
  { id: 'i6', upc: 'gone' },
  { id: 'i7', upc: 'p2' },
];
const users = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Bob' },
  { id: 'u3', name: 'Cy' },
];

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      shelf: [Item!]!
      featured: Item
      staff(withBroken: Boolean = false): [User!]!
    }
    type Item {
      id: ID!
      product: Product
    }
    type Product @key(fields: "upc") {
      upc: String!
    }
    type User @key(fields: "id") {
      id: ID!
      name: String!
    }
  `),
  resolvers: {
    Query: {
      shelf: () => items,
      featured: () => items[3],
      staff: (_root: unknown, { withBroken }: { withBroken: boolean }) =>
        withBroken ? [users[0], users[2], users[1], users[0]] : [users[0], users[1], users[0]],
    },
    Item: { product: ({ upc }: { upc: string }) => ({ upc }) },
    User: { __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) },
  },
};

function priceOf(upc: string): number {
  if (upc === 'bad') {
    throw new GraphQLError(`No price for ${upc}`, { extensions: { code: 'PRICE_MISSING', upc } });
  }
  return upc.length * 100 + Number(upc.slice(1));
}

const pricing: SubgraphDefinition = {
  name: 'pricing',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Product @key(fields: "upc") {
      upc: String!
      price: Int
      strictPrice: Int!
    }
    type User @key(fields: "id") {
      id: ID!
      credit: Int
    }
  `),
  resolvers: {
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => (upc === 'gone' ? null : { upc }),
      price: ({ upc }: { upc: string }) => priceOf(upc),
      strictPrice: ({ upc }: { upc: string }) => priceOf(upc),
    },
    User: {
      // Synchronous: @apollo/subgraph fails the whole _entities field, so the whole answer is null.
      __resolveReference: ({ id }: { id: string }) => {
        if (id === 'u3')
          throw new GraphQLError('Credit records are locked', { extensions: { code: 'LOCKED' } });
        return { id };
      },
      credit: ({ id }: { id: string }) => Number(id.slice(1)) * 10,
    },
  },
};

export const executorScenarios: ExecutorScenario[] = [
  {
    name: 'de-duplicated and merged fetches',
    subgraphs: [catalog, pricing],
    cases: [
      {
        name: 'duplicate entities: one error per duplicate, each with its own path',
        query: '{ shelf { id product { upc price } } }',
        expected: {},
      },
      {
        name: 'duplicate entities: a failing non-null field nulls each duplicate',
        query: '{ shelf { id product { upc strictPrice } } }',
        expected: {},
      },
      {
        name: 'the same operation from two places of the plan: one request',
        query: '{ shelf { product { price } } featured { id product { upc price } } }',
        expected: {},
      },
      {
        name: 'two operations to one subgraph in one request',
        query: '{ shelf { product { upc price } } staff { id name credit } }',
        expected: {},
      },
      {
        name: 'a merged request whose answer is null is retried fetch by fetch',
        query: '{ shelf { id product { price } } staff(withBroken: true) { id credit } }',
        expected: {},
        retried: true,
        // Apollo reports the locked batch at ["staff", "@", "_entities"], Gatehouse at ["staff"].
        knownBugs: { apollo: 'The batch error path leaks "@" and "_entities" (entity-error-paths).' },
      },
      {
        name: 'Condition nodes: @include(if: $var) true',
        query:
          'query Q($withPrice: Boolean!) { shelf { id product { upc price @include(if: $withPrice) } } }',
        variables: { withPrice: true },
        expected: {},
      },
      {
        name: 'Condition nodes: @include(if: $var) false',
        query:
          'query Q($withPrice: Boolean!) { shelf { id product { upc price @include(if: $withPrice) } } }',
        variables: { withPrice: false },
        expected: {},
      },
      {
        name: '@skip with a defaulted variable given null: Apollo decides',
        query: 'query Q($hide: Boolean = false) { shelf { id @skip(if: $hide) product { upc } } }',
        variables: { hide: null },
        expected: {},
      },
      {
        name: 'introspection next to data goes to Apollo',
        query: '{ __type(name: "Item") { name fields { name } } featured { id } }',
        expected: {},
      },
    ],
  },
];

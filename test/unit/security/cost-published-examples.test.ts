import { describe, expect, it } from 'vitest';
import { FEDERATION_COST_DIRECTIVES, IBM_COST_DIRECTIVES, actual, estimate } from './cost-helpers.js';

// The worked examples of the two documents demand control follows, each cited by URL and section.

const APOLLO = 'https://www.apollographql.com/docs/graphos/routing/security/demand-control';
const IBM = 'https://ibm.github.io/graphql-specs/cost-spec.html';

const BOOKS = `${FEDERATION_COST_DIRECTIVES}
  type Query {
    book(id: ID): Book
    bestsellers: [Book] @listSize(assumedSize: 5)
    newestAdditions(after: ID, limit: Int!): [Book] @listSize(slicingArguments: ["limit"])
  }
  type Book { title: String author: Author publisher: Publisher }
  type Author { name: String }
  type Publisher { name: String address: Address }
  type Address ADDRESS_COST { zipCode: Int! }
`;
const BOOK_SELECTION = 'title author { name } publisher { name address { zipCode } }';

describe(`Apollo's demand control (${APOLLO})`, () => {
  it('"Calculating cost": BookQuery costs 4 with the default weights', () => {
    const sdl = BOOKS.replace('ADDRESS_COST', '');
    const query = `query BookQuery { book(id: 1) { ${BOOK_SELECTION} } }`;
    // 1 Query (0) + book (1) + author (1) + publisher (1) + address (1) = 4
    expect(estimate({ sdl, query }).cost).toBe(4);
  });

  it('"Customizing cost": `type Address @cost(weight: 5)` raises BookQuery from 4 to 8', () => {
    const sdl = BOOKS.replace('ADDRESS_COST', '@cost(weight: 5)');
    const query = `query BookQuery { book(id: 1) { ${BOOK_SELECTION} } }`;
    expect(estimate({ sdl, query }).cost).toBe(8);
  });

  it('"Handling list fields": bestsellers with `@listSize(assumedSize: 5)` costs 40', () => {
    const sdl = BOOKS.replace('ADDRESS_COST', '@cost(weight: 5)');
    const query = `query BestsellersQuery { bestsellers { ${BOOK_SELECTION} } }`;
    // 5 books × (book 1 + author 1 + publisher 1 + address 5) = 40
    expect(estimate({ sdl, query }).cost).toBe(40);
  });

  it('"Handling list fields": newestAdditions(limit: 3) costs 24, and 56 with limit 7', () => {
    const sdl = BOOKS.replace('ADDRESS_COST', '@cost(weight: 5)');
    const query = `query NewestAdditions($limit: Int!) { newestAdditions(limit: $limit) { ${BOOK_SELECTION} } }`;
    const literal = `query NewestAdditions { newestAdditions(limit: 3) { ${BOOK_SELECTION} } }`;
    expect(estimate({ sdl, query: literal }).cost).toBe(24);
    expect(estimate({ sdl, query, variables: { limit: 7 } }).cost).toBe(56);
  });
});

describe(`IBM's GraphQL Cost Directives (${IBM})`, () => {
  it('sec. 3 "Example", Examples № 1–3: users(max: 5) { age } — what scales with the list agrees', () => {
    const sdl = `${IBM_COST_DIRECTIVES}
      type User { name: String age: Int @cost(weight: "2.0") }
      type Query { users(max: Int): [User] @listSize(slicingArguments: ["max"]) }
    `;
    const query = 'query Example { users(max: 5) { age } }';
    const data = { users: [{ age: 33 }, { age: 45 }, { age: 27 }] };
    // IBM's Field Cost is 11 estimated and 7 actual: the Query.users resolver once (1) plus 2 per
    // user's age. Apollo's weighting, which Gatehouse follows, counts each User object too (1 per
    // user) and not the root resolver: 5 × (1 + 2) = 15 estimated, 3 × (1 + 2) = 9 actual.
    expect(estimate({ sdl, query }).cost).toBe(15);
    expect(actual({ sdl, query, data })).toBe(9);
    // The ages, which both count the same way, make IBM's difference of 11 − 7 = 4 = (5 − 3) × 2.
    const ageOnly = sdl.replace('type User {', 'type User @cost(weight: "0") {');
    expect(estimate({ sdl: ageOnly, query }).cost - actual({ sdl: ageOnly, query, data })).toBe(11 - 7);
  });

  const PRODUCTS = `${IBM_COST_DIRECTIVES}
    enum Approximate { ROUGHLY }
    input Filter { approx: Approximate @cost(weight: "-12.0") category: String }
    type Product { name: String }
    type Query {
      mostPopularProduct(approx: Approximate @cost(weight: "-3.0")): Product @cost(weight: "5.0")
      topProducts(filter: Filter @cost(weight: "15.0")): [String] @cost(weight: "5.0") @listSize(assumedSize: 10)
    }
  `;

  it('sec. 5.3.2.2 "Field Cost", Example № 11 (negative weights): 5.0, and 2.0 with approx', () => {
    expect(estimate({ sdl: PRODUCTS, query: '{ mostPopularProduct { name } }' }).cost).toBe(5);
    expect(estimate({ sdl: PRODUCTS, query: '{ mostPopularProduct(approx: ROUGHLY) { name } }' }).cost).toBe(
      2,
    );
  });

  it('sec. 5.3.2.2, Examples № 10 and 12 (argument and input field weights): the filter adds 15.0, or 3.0 when approximate', () => {
    const plain = estimate({ sdl: PRODUCTS, query: '{ topProducts }' }).cost;
    const filtered = estimate({ sdl: PRODUCTS, query: '{ topProducts(filter: { category: "toys" }) }' }).cost;
    const approximate = estimate({
      sdl: PRODUCTS,
      query: '{ topProducts(filter: { approx: ROUGHLY }) }',
    }).cost;
    // IBM: 5.0 → 20.0 with a filter, 8.0 with an approximate one. Apollo's weighting multiplies the
    // field's own weight by the 10 assumed items (50) where IBM counts the resolver once (5); the
    // arguments add the same in both: 15.0, and 15.0 − 12.0 = 3.0.
    expect(plain).toBe(50);
    expect(filtered - plain).toBe(20 - 5);
    expect(approximate - plain).toBe(8 - 5);
  });

  const FILMS = `${IBM_COST_DIRECTIVES}
    type Film { title: String }
    type FilmEdge { cursor: ID node: Film }
    type PageInfo { hasNextPage: Boolean }
    type FilmConnection { edges: [FilmEdge] pageInfo: PageInfo }
    type Query {
      films(first: Int, after: ID, last: Int, before: ID): FilmConnection
        @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"])
      users(max: Int = 10): [Film] @listSize(slicingArguments: ["max"])
    }
  `;

  it('sec. 8.3 "sizedFields", Example № 18: films(first: 3) sizes FilmConnection.edges', () => {
    const query = '{ films(first: 3) { edges { cursor node { title } } pageInfo { hasNextPage } } }';
    // connection 1 + 3 edges × (edge 1 + film 1) + pageInfo 1 = 8; the connection itself is one object.
    expect(estimate({ sdl: FILMS, query })).toEqual({ cost: 8, variablesUsed: false, problems: [] });
  });

  it('sec. 8.4 "requireOneSlicingArgument" (on by default): none, or both, of first and last is a problem', () => {
    const none = estimate({ sdl: FILMS, query: '{ films { edges { cursor } } }' });
    expect(none.problems).toEqual([
      'Query.films needs exactly one of its slicing arguments (first, last); the operation gives 0.',
    ]);
    // Without a slicing value the edges take the default list size: 1 + 10 × 1.
    expect(none.cost).toBe(11);
    const both = estimate({ sdl: FILMS, query: '{ films(first: 2, last: 4) { edges { cursor } } }' });
    expect(both.problems).toHaveLength(1);
    // sec. 8.2: with several slicing arguments, the largest gives the upper bound: 1 + 4 × 1.
    expect(both.cost).toBe(5);
  });

  it('sec. 8.2 "slicingArguments": a default value counts as if given', () => {
    expect(estimate({ sdl: FILMS, query: '{ users { title } }', listSize: 50 })).toEqual({
      cost: 10,
      variablesUsed: false,
      problems: [],
    });
    expect(estimate({ sdl: FILMS, query: '{ users(max: 2) { title } }' }).cost).toBe(2);
  });
});

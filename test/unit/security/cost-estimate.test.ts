import { describe, expect, it } from 'vitest';
import { FEDERATION_COST_DIRECTIVES, estimate } from './cost-helpers.js';

// The estimate's rules one by one, with Apollo Router's weighting: objects, interfaces and unions
// weigh 1, scalars and enums 0, a mutation 10 of its own; lists multiply by their expected size.

const SDL = `${FEDERATION_COST_DIRECTIVES}
  scalar Money @cost(weight: 3)
  enum Sort @cost(weight: 2) { NEWEST OLDEST }
  input ReviewFilter { minStars: Int @cost(weight: 4) text: String author: AuthorFilter }
  input AuthorFilter { name: String }
  interface Node { id: ID! }
  type User implements Node {
    id: ID!
    name: String
    balance: Money
    friends: [User]
    reviews(first: Int, last: Int, filter: ReviewFilter @cost(weight: 6), sort: Sort): [Review]
      @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
    expensive: String @cost(weight: 20)
    matrix: [[Int]] @cost(weight: 1)
  }
  type Review implements Node @cost(weight: 5) { id: ID! stars: Int body: String @cost(weight: -9) }
  type ReviewEdge { node: Review cursor: String }
  type ReviewConnection { edges: [ReviewEdge] total: Int }
  union SearchResult = User | Review
  type Query {
    me: User
    users: [User]
    node(id: ID!): Node
    search: [SearchResult] @listSize(assumedSize: 3)
    feed(first: Int, after: String): ReviewConnection @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
    cheap(hint: Int @cost(weight: -50)): User
  }
  type Mutation { addReview(body: String): Review }
`;
const cost = (query: string, variables?: Record<string, unknown>, listSize?: number) =>
  estimate({ sdl: SDL, query, ...(variables ? { variables } : {}), ...(listSize ? { listSize } : {}) }).cost;

describe('estimated cost', () => {
  it('counts objects, not scalars, and nothing for __typename', () => {
    expect(cost('{ me { id name __typename } }')).toBe(1);
    expect(cost('{ __typename }')).toBe(0);
  });

  it('multiplies nested lists by the assumed list size at each level', () => {
    // users: 10 × (user 1 + friends: 10 × (friend 1 + friends: 10 × 1))
    expect(cost('{ users { friends { friends { id } } } }')).toBe(10 * (1 + 10 * (1 + 10)));
    expect(cost('{ users { friends { id } } }', undefined, 4)).toBe(4 * (1 + 4));
  });

  it('multiplies a list of lists once per level', () => {
    expect(cost('{ me { matrix } }')).toBe(1 + 10 * 10 * 1);
  });

  it('sizes a list from a literal slicing argument or from a variable', () => {
    // me 1 + 3 reviews × 5 (Review @cost)
    expect(cost('{ me { reviews(first: 3) { stars } } }')).toBe(1 + 3 * 5);
    const byVariable = estimate({
      sdl: SDL,
      query: 'query ($n: Int) { me { reviews(first: $n) { stars } } }',
      variables: { n: 7 },
    });
    expect(byVariable).toEqual({ cost: 1 + 7 * 5, variablesUsed: true, problems: [] });
  });

  it('takes the largest slicing argument, and the default list size when none is given', () => {
    expect(cost('{ me { reviews(first: 2, last: 6) { stars } } }')).toBe(1 + 6 * 5);
    expect(cost('{ me { reviews { stars } } }')).toBe(1 + 10 * 5);
    // A variable left out (or null) is no value: requireOneSlicingArgument is off here, so no problem.
    expect(cost('query ($n: Int) { me { reviews(first: $n) { stars } } }', {})).toBe(1 + 10 * 5);
  });

  it("sizes sizedFields from the parent's slicing argument, not the field itself", () => {
    // feed 1 + 4 edges × (edge 1 + review 5)
    expect(cost('{ feed(first: 4) { total edges { cursor node { stars } } } }')).toBe(1 + 4 * 6);
    // Also through fragments on the connection.
    expect(
      cost('{ feed(first: 4) { ...page } } fragment page on ReviewConnection { edges { node { id } } }'),
    ).toBe(1 + 4 * 6);
  });

  it('reports a missing slicing argument where one is required, and still estimates', () => {
    const result = estimate({ sdl: SDL, query: '{ feed { edges { node { id } } } }' });
    expect(result.problems).toEqual([
      'Query.feed needs exactly one of its slicing arguments (first); the operation gives 0.',
    ]);
    expect(result.cost).toBe(1 + 10 * 6);
  });

  it('uses @cost on a field over its type, and on object, scalar and enum types', () => {
    expect(cost('{ me { expensive } }')).toBe(1 + 20);
    expect(cost('{ me { balance } }')).toBe(1 + 3);
    expect(cost('{ node(id: "1") { ... on Review { stars } } }')).toBe(5);
  });

  it('adds argument and input field weights, once per field', () => {
    // filter argument 6 (its own @cost replaces an input object's 1) + minStars 4; the enum Sort weighs 2.
    expect(cost('{ me { reviews(first: 1, filter: { minStars: 4 }) { id } } }')).toBe(1 + 5 + 6 + 4);
    expect(cost('{ me { reviews(first: 1, filter: { text: "x", author: { name: "a" } }) { id } } }')).toBe(
      // AuthorFilter is an input object without @cost: 1
      1 + 5 + 6 + 1,
    );
    expect(cost('{ me { reviews(first: 1, sort: NEWEST) { id } } }')).toBe(1 + 5 + 2);
    // Arguments in a variable weigh what their value holds.
    expect(
      cost('query ($f: ReviewFilter) { me { reviews(first: 1, filter: $f) { id } } }', {
        f: { minStars: 3 },
      }),
    ).toBe(1 + 5 + 6 + 4);
    expect(
      cost('query ($f: ReviewFilter) { me { reviews(first: 1, filter: $f) { id } } }', { f: null }),
    ).toBe(1 + 5);
  });

  it("multiplies a field's arguments with the list it is in", () => {
    expect(cost('{ users { reviews(first: 1, sort: OLDEST) { id } } }')).toBe(10 * (1 + 1 * 5 + 2));
  });

  it('never lets a field cost less than zero (IBM sec. 5.3.2.2)', () => {
    // Review 5 + body (−9, so 0), not 5 − 9
    expect(cost('{ node(id: "1") { ... on Review { body } } }')).toBe(5);
    expect(cost('{ cheap(hint: 1) { id } }')).toBe(0);
  });

  it('weighs an interface or union as its heaviest member', () => {
    expect(cost('{ node(id: "1") { id } }')).toBe(5);
    expect(cost('{ search { __typename } }')).toBe(3 * 5);
  });

  it('adds 10 for a mutation', () => {
    expect(cost('mutation { addReview(body: "ok") { id } }')).toBe(10 + 5);
  });

  it('leaves out what @skip and @include take out, from literals or variables', () => {
    expect(cost('{ me { expensive @skip(if: true) } }')).toBe(1);
    expect(cost('query ($on: Boolean!) { me { expensive @include(if: $on) } }', { on: false })).toBe(1);
    expect(cost('query ($on: Boolean!) { me { ... @include(if: $on) { expensive } } }', { on: true })).toBe(
      21,
    );
  });

  it('counts a fragment each time it is spread, walking it once', () => {
    const query = `{ a: me { ...F } b: me { ...F } }
      fragment F on User { f1: friends { ...G } f2: friends { ...G } }
      fragment G on User { g1: friends { id } g2: friends { id } }`;
    expect(cost(query)).toBe(2 * (1 + 2 * 10 * (1 + 2 * 10)));
  });

  it('says when no variable changed the estimate, so that it may be cached', () => {
    expect(
      estimate({ sdl: SDL, query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id: '1' } })
        .variablesUsed,
    ).toBe(false);
    expect(estimate({ sdl: SDL, query: '{ me { id } }' }).variablesUsed).toBe(false);
  });
});

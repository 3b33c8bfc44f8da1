import { describe, expect, it } from 'vitest';
import { FEDERATION_COST_DIRECTIVES, actual, estimate } from './cost-helpers.js';

// The actual cost weighs the response as the estimate weighs the operation, with the real lengths of
// the lists (IBM's Query Response Analysis, Apollo Router's actual cost).

const SDL = `${FEDERATION_COST_DIRECTIVES}
  type User { id: ID! name: String secret: String @cost(weight: 7) friends(first: Int, sort: Sort): [User] reviews: [Review] }
  enum Sort @cost(weight: 2) { NEWEST }
  type Review @cost(weight: 5) { stars: Int }
  union Item = User | Review
  type Query { users: [User] me: User items: [Item] }
  type Mutation { rename(name: String): User }
`;
const costOf = (query: string, data: Record<string, unknown>) => actual({ sdl: SDL, query, data });

describe('actual cost', () => {
  it('counts the items the lists really hold, at every level', () => {
    const query = '{ users { friends { id } } }';
    const data = { users: [{ friends: [{ id: '1' }, { id: '2' }] }, { friends: [] }, { friends: null }] };
    // 3 users + 2 friends; estimated with 10 per list: 10 × (1 + 10)
    expect(costOf(query, data)).toBe(3 + 2);
    expect(estimate({ sdl: SDL, query }).cost).toBe(110);
  });

  it('weighs objects by their @cost, leaves by theirs, and a null only by an explicit @cost', () => {
    expect(
      costOf('{ me { secret reviews { stars } } }', {
        me: { secret: 's', reviews: [{ stars: 1 }, { stars: 2 }] },
      }),
    ).toBe(1 + 7 + 2 * 5);
    expect(costOf('{ me { secret } }', { me: { secret: null } })).toBe(1 + 7);
    expect(costOf('{ me { id } }', { me: null })).toBe(0);
  });

  it('counts a field selected twice under one key once, and aliases apart', () => {
    const query = '{ me { friends { id } friends { name } other: friends { id } } }';
    const data = { me: { friends: [{ id: '1', name: 'a' }], other: [{ id: '1' }, { id: '2' }] } };
    expect(costOf(query, data)).toBe(1 + 1 + 2);
  });

  it('counts arguments once per object that has the field', () => {
    const query = '{ users { friends(sort: NEWEST) { id } } }';
    const data = { users: [{ friends: [{ id: '1' }] }, { friends: [] }] };
    expect(costOf(query, data)).toBe(2 + (1 + 2) + (0 + 2));
  });

  it('follows type conditions by __typename, and counts every fragment without it', () => {
    const query = '{ items { __typename ... on User { secret } ... on Review { stars } } }';
    const data = {
      items: [
        { __typename: 'User', secret: 'x' },
        { __typename: 'Review', stars: 3 },
      ],
    };
    expect(costOf(query, data)).toBe(1 + 7 + 5);
    // Without __typename each item weighs as its heaviest member would (an upper bound).
    const untyped = '{ items { ... on User { secret } } }';
    expect(costOf(untyped, { items: [{ secret: 'x' }] })).toBe(5 + 7);
  });

  it('adds 10 for a mutation that ran, and nothing for an operation that did not', () => {
    expect(costOf('mutation { rename(name: "b") { id } }', { rename: { id: '1' } })).toBe(10 + 1);
    expect(actual({ sdl: SDL, query: '{ me { id } }', data: undefined as never })).toBe(0);
  });
});

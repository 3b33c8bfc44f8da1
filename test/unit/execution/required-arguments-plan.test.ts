import type { FetchNode, PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { withRequiredArguments } from '../../../src/execution/plan/required-arguments-plan.js';
import { RequiredArguments } from '../../../src/execution/plan/required-arguments.js';
import { composeFixture } from './fixture.js';

const fixture = composeFixture({
  blog: /* GraphQL */ `
    type Query {
      article(id: ID!): Article
    }
    type Article @key(fields: "id") {
      id: ID!
      comments(limit: Int! = 10): [Comment!]!
      price(currency: String! = "USD"): Int!
      stats: Stats!
    }
    type Comment {
      id: ID!
      body: String!
    }
    type Stats @shareable {
      views(period: String! = "day"): Int!
    }
  `,
  insights: /* GraphQL */ `
    type Article @key(fields: "id") {
      id: ID!
      comments(limit: Int! = 10): [Comment!]! @external
      price(currency: String! = "USD"): Int! @external
      summary: String @requires(fields: "comments(limit: 1) { body }")
      digest: String @requires(fields: "comments(limit: 3) { id }")
      priceTag: String @requires(fields: "price(currency: \\"EUR\\")")
      words: Int
      stats: Stats! @external
      dailyAverage: Int @requires(fields: "stats { views(period: \\"week\\") }")
    }
    type Comment {
      id: ID! @external
      body: String! @external
    }
    type Stats @shareable {
      views(period: String! = "day"): Int!
    }
  `,
});
const required = new RequiredArguments(fixture.supergraph);

/** The fetches of a plan in order, with the path of their Flatten. */
function fetchesOf(
  node: PlanNode | SubscriptionNode | undefined,
  path = '',
): { path: string; fetch: FetchNode }[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return [{ path, fetch: node }];
    case 'Flatten':
      return fetchesOf(node.node, node.path.join('.'));
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap((child) => fetchesOf(child, path));
    default:
      return [];
  }
}

function rewrite(query: string): { before: QueryPlan; after: QueryPlan } {
  const before = fixture.plan(fixture.operation(query));
  const after = withRequiredArguments(
    before,
    required,
    { document: parse(query), operationName: undefined },
    fixture.facts,
  );
  return { before, after };
}

describe('plans for @requires of fields with arguments', () => {
  it('knows which subgraphs require fields with arguments', () => {
    expect(required.concerns('insights')).toBe(true);
    expect(required.concerns('blog')).toBe(false);
    expect(required.fieldsOf('insights', 'Article', 'digest').map((field) => field.argumentsKey)).toEqual([
      '{"limit":3}',
    ]);
    // The definition's default counts: `price` alone would be price(currency: "USD").
    expect(required.fieldsOf('insights', 'Article', 'priceTag')[0]?.argumentsKey).toBe('{"currency":"EUR"}');
    expect(required.fieldsOf('insights', 'Article', 'words')).toEqual([]);
  });

  it("fetches the required field under an alias, and gives the client's field its own arguments back", () => {
    const { after } = rewrite(
      'query Q($limit: Int!) { article(id: "a1") { digest comments(limit: $limit) { id } } }',
    );
    const [blog, insights] = fetchesOf(after.node);
    // The planner had put comments(limit: 3) in place of the client's comments(limit: $limit).
    expect(blog?.fetch.operation).toBe(
      'query Q__blog__0($limit:Int!){article(id:"a1"){__typename id comments(limit:$limit){id}gatehouse_required_0:comments(limit:3){id}}}',
    );
    expect(blog?.fetch.variableUsages).toEqual(['limit']);
    expect(insights?.path).toBe('article');
    expect(insights?.fetch.requires).toEqual([
      {
        kind: 'InlineFragment',
        typeCondition: 'Article',
        selections: [
          { kind: 'Field', name: '__typename' },
          { kind: 'Field', name: 'id' },
          {
            kind: 'Field',
            name: 'comments',
            readFrom: 'gatehouse_required_0',
            selections: [{ kind: 'Field', name: 'id' }],
          },
        ],
      },
    ]);
  });

  it('splits an entity fetch whose fields require one field with different arguments', () => {
    const { after } = rewrite('{ article(id: "a1") { summary digest words } }');
    const fetches = fetchesOf(after.node);
    expect(fetches.map(({ fetch }) => fetch.serviceName)).toEqual(['blog', 'insights', 'insights']);
    // The planner kept digest's comments(limit: 3): digest reads it as it is, summary an alias.
    expect(fetches[0]?.fetch.operation).toContain(
      'comments(limit:3){id body}gatehouse_required_0:comments(limit:1){id body}',
    );
    const comments = (fetch: FetchNode | undefined) =>
      JSON.stringify(fetch?.requires).match(/\{"kind":"Field","name":"comments"[^\]]*\]/)?.[0];
    expect(comments(fetches[1]?.fetch)).toBe(
      '{"kind":"Field","name":"comments","readFrom":"gatehouse_required_0","selections":[{"kind":"Field","name":"body"}]',
    );
    expect(comments(fetches[2]?.fetch)).toBe(
      '{"kind":"Field","name":"comments","selections":[{"kind":"Field","name":"id"}]',
    );
    // The field requiring nothing stays with the first group.
    expect(fetches[1]?.fetch.operation).toBe(
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Article{summary words}}}',
    );
    expect(fetches[2]?.fetch.operation).toBe(
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Article{digest}}}',
    );
    expect(after.node?.kind).toBe('Sequence');
    const split = after.node?.kind === 'Sequence' ? after.node.nodes[1] : undefined;
    expect(split?.kind).toBe('Parallel');
  });

  it('reaches a required field with arguments below a field without', () => {
    expect(required.fieldsOf('insights', 'Article', 'dailyAverage')).toMatchObject([
      { name: 'views', parentPath: ['stats'], argumentsKey: '{"period":"week"}' },
    ]);
    const { after } = rewrite('{ article(id: "a1") { stats { views } dailyAverage } }');
    const [blog, insights] = fetchesOf(after.node);
    expect(blog?.fetch.operation).toContain('stats{views gatehouse_required_0:views(period:"week")}');
    expect(insights?.fetch.requires).toEqual([
      {
        kind: 'InlineFragment',
        typeCondition: 'Article',
        selections: [
          { kind: 'Field', name: '__typename' },
          { kind: 'Field', name: 'id' },
          {
            kind: 'Field',
            name: 'stats',
            selections: [{ kind: 'Field', name: 'views', readFrom: 'gatehouse_required_0' }],
          },
        ],
      },
    ]);
  });

  it('picks an alias no response key of the operation uses', () => {
    const query = '{ article(id: "a1") { gatehouse_required_0: words price priceTag } }';
    const after = withRequiredArguments(
      fixture.plan(fixture.operation(query)),
      required,
      { document: parse(query), operationName: undefined },
      fixture.facts,
    );
    expect(fetchesOf(after.node)[0]?.fetch.operation).toContain('gatehouse_required_1:price(currency:"EUR")');
  });

  it('leaves a plan that gives the requirement exactly its arguments as Apollo made it', () => {
    const { before, after } = rewrite('{ article(id: "a1") { priceTag comments(limit: 3) { id } digest } }');
    expect(fetchesOf(before.node)[0]?.fetch.operation).toContain('price(currency:"EUR")');
    expect(after).toBe(before);
  });

  it('leaves plans that require no field with arguments as Apollo made them', () => {
    const { before, after } = rewrite('{ article(id: "a1") { id comments { body } words } }');
    expect(after).toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
import { compilePlan, type CompiledPlan } from '../../../src/execution/plan/compile-plan.js';
import { runSchedule, type RawSubgraphSource } from '../../../src/execution/run/run-plan.js';
import { scheduleFor } from '../../../src/execution/plan/schedule.js';
import { composeFixture } from './fixture.js';

const fixture = composeFixture({
  shop: `
    type Query { items: [Item!]! staff: [User!]! }
    type Item { id: ID! product: Product! }
    type Product @key(fields: "upc") { upc: String! }
    type User @key(fields: "id") { id: ID! }
  `,
  pricing: `
    type Product @key(fields: "upc") { upc: String! price: Int }
    type User @key(fields: "id") { id: ID! credit: Int }
  `,
});

function compiled(query: string): CompiledPlan {
  const operation = fixture.operation(query);
  const plan = compilePlan(fixture.plan(operation), operation, [], fixture.facts);
  if (plan.kind !== 'gatehouse') throw new Error(plan.reason);
  return plan;
}

interface SentRequest {
  query: string;
  variables: Record<string, unknown[]>;
}

/** Subgraphs answered by functions, recording every request body. */
function fakeSources(answers: Record<string, (request: SentRequest) => unknown>, sent: SentRequest[]) {
  return (name: string): RawSubgraphSource | undefined => {
    const answer = answers[name];
    if (!answer) return undefined;
    return {
      fetchRaw: async (body) => {
        const request = JSON.parse(body) as SentRequest;
        sent.push(request);
        return answer(request) as Awaited<ReturnType<RawSubgraphSource['fetchRaw']>>;
      },
    };
  };
}

const shop = () => ({
  data: {
    items: [
      { id: 'a', product: { __typename: 'Product', upc: '1' } },
      { id: 'b', product: { __typename: 'Product', upc: '2' } },
      { id: 'c', product: { __typename: 'Product', upc: '1' } },
    ],
    staff: [{ __typename: 'User', id: 'u1' }],
  },
});

describe('running a schedule', () => {
  it('sends each representation once and gives every duplicate its own copy of the answer', async () => {
    const plan = compiled('{ items { id product { upc price } } }');
    const sent: SentRequest[] = [];
    const sources = fakeSources(
      {
        shop,
        pricing: ({ variables }) => ({
          data: {
            _entities: (variables.representations as { upc: string }[]).map(({ upc }) => ({
              price: Number(upc) * 10,
            })),
          },
        }),
      },
      sent,
    );
    const { data, errors } = await runSchedule(
      scheduleFor(plan, () => false),
      {},
      sources,
    );
    expect(errors).toEqual([]);
    expect(sent[1]?.variables.representations).toEqual([
      { __typename: 'Product', upc: '1' },
      { __typename: 'Product', upc: '2' },
    ]);
    const items = data.items as { product: { price: number } }[];
    expect(items.map((item) => item.product.price)).toEqual([10, 20, 10]);
    expect(items[0]?.product).not.toBe(items[2]?.product);
  });

  it('reports a failed request once per fetch it carried', async () => {
    const plan = compiled('{ items { product { price } } staff { credit } }');
    const failure = new Error('pricing is down');
    const sent: SentRequest[] = [];
    const sources = fakeSources(
      {
        shop,
        pricing: () => {
          throw failure;
        },
      },
      sent,
    );
    const { errors } = await runSchedule(
      scheduleFor(plan, () => false),
      {},
      sources,
    );
    // Two fetches (Product and User) in one merged request: Apollo would report the failure twice.
    expect(sent).toHaveLength(2);
    expect(sent[1]?.query).toContain('_0__entities:_entities');
    expect(errors).toEqual([failure, failure]);
  });

  it('reports an answer of the wrong length, and merges nothing from it', async () => {
    const plan = compiled('{ items { product { price } } }');
    const sources = fakeSources({ shop, pricing: () => ({ data: { _entities: [{ price: 1 }] } }) }, []);
    const { data, errors } = await runSchedule(
      scheduleFor(plan, () => false),
      {},
      sources,
    );
    expect((errors as Error[]).map((error) => error.message)).toEqual([
      'Expected "data._entities" to contain 3 elements',
    ]);
    expect((data.items as { product: object }[])[0]?.product).toEqual({ __typename: 'Product', upc: '1' });
  });

  it('retries the fetches of a merged request that came back without data, one by one', async () => {
    const plan = compiled('{ items { product { price } } staff { credit } }');
    const sent: SentRequest[] = [];
    const sources = fakeSources(
      {
        shop,
        pricing: ({ query, variables }) => {
          if (query.includes('_0__entities'))
            return { data: null, errors: [{ message: 'boom', path: ['_1__entities'] }] };
          if (query.includes('on User'))
            return { data: null, errors: [{ message: 'users broken', path: ['_entities'] }] };
          return { data: { _entities: (variables.representations as unknown[]).map(() => ({ price: 5 })) } };
        },
      },
      sent,
    );
    const { data, errors } = await runSchedule(
      scheduleFor(plan, () => false),
      {},
      sources,
    );
    expect(sent.map((request) => request.query.includes('_0__entities'))).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect((data.items as { product: { price: number } }[]).map((item) => item.product.price)).toEqual([
      5, 5, 5,
    ]);
    expect(JSON.parse(JSON.stringify(errors))).toEqual([
      {
        message: 'users broken',
        // The batch's error is reported at the list that holds its entities.
        path: ['staff'],
        extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'pricing' },
      },
    ]);
  });
});

import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatehouseError } from '../../../src/errors.js';
import {
  composeSubgraphCall,
  failureOf,
  withFailure,
  type SubgraphCall,
  type SubgraphCallNext,
  type SubgraphResponse,
} from '../../../src/execution/transport/subgraph-call.js';
import { useInflightDedupe } from '../../../src/subgraph-calls/inflight-dedupe.js';

function call(overrides: Partial<SubgraphCall> = {}): SubgraphCall {
  return {
    subgraph: 'reviews',
    kind: 'query',
    body: '{"query":"{ a { b } }"}',
    headers: {},
    context: { request: {} as FastifyRequest },
    ...overrides,
  };
}

/** A transport whose calls stay in flight until the test settles them. */
function heldTransport() {
  const pending: { call: SubgraphCall; resolve(value: SubgraphResponse): void; reject(e: unknown): void }[] =
    [];
  const send: SubgraphCallNext = (sent) =>
    new Promise((resolve, reject) => pending.push({ call: sent, resolve, reject }));
  return { pending, send };
}

function dedupe(send: SubgraphCallNext): SubgraphCallNext {
  const hook = useInflightDedupe().subgraphCall;
  if (!hook) throw new Error('no subgraph-call hook');
  return composeSubgraphCall([hook], send);
}

describe('in-flight de-duplication', () => {
  it('sends identical concurrent queries once; each waiter gets its own copy of the answer', async () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    const calls = [run(call()), run(call()), run(call())];
    expect(transport.pending).toHaveLength(1);
    const answer = { data: { a: [{ b: 1, c: { d: 'x' } }] }, errors: [{ message: 'partial', path: ['a'] }] };
    transport.pending[0]?.resolve(answer);
    const [first, second, third] = await Promise.all(calls);
    // The request that sent the call takes the answer itself; the others, deep copies.
    expect(first).toBe(answer);
    expect(second).toEqual(answer);
    expect(third).toEqual(answer);
    expect(second).not.toBe(answer);
    expect((second?.data as { a: object[] }).a[0]).not.toBe(answer.data.a[0]);
    expect(second?.errors?.[0]).not.toBe(answer.errors[0]);
    // What one executor merges into its answer, no other request sees.
    (answer.data.a[0] as Record<string, unknown>).merged = true;
    expect((second?.data as { a: Record<string, unknown>[] }).a[0]?.merged).toBeUndefined();
    expect(third).not.toBe(second);
  });

  it('forgets a call once it has settled: the next identical query is sent again', async () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    const first = run(call());
    transport.pending[0]?.resolve({ data: { a: 1 } });
    await first;
    const second = run(call());
    expect(transport.pending).toHaveLength(2);
    transport.pending[1]?.resolve({ data: { a: 2 } });
    expect(await second).toEqual({ data: { a: 2 } });
  });

  it('keys on the subgraph, the body and every header sent, whatever their order', async () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    void run(call({ headers: { 'x-user-id': 'alice', 'x-tenant': 'acme' } }));
    void run(call({ headers: { 'x-tenant': 'acme', 'x-user-id': 'alice' } })); // shares
    void run(call({ headers: { 'x-user-id': 'bob', 'x-tenant': 'acme' } }));
    void run(call({ headers: { 'x-user-id': 'alice' } }));
    void run(call({ headers: { 'x-user-id': 'alice', 'x-tenant': 'acme' }, subgraph: 'accounts' }));
    void run(call({ headers: { 'x-user-id': 'alice', 'x-tenant': 'acme' }, body: '{"query":"{ a }"}' }));
    // A header value cannot pass for a name/value boundary.
    void run(call({ headers: { a: 'b","c' } }));
    void run(call({ headers: { a: 'b', c: '' } }));
    expect(transport.pending).toHaveLength(7);
  });

  it('never shares a mutation', () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    const mutation = call({ kind: 'mutation', body: '{"query":"mutation { bump }"}' });
    void run(mutation);
    void run({ ...mutation });
    expect(transport.pending).toHaveLength(2);
  });

  it('never shares a call whose transport reads the client request (REST connectors)', () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    void run(call({ readsClientRequest: true }));
    void run(call({ readsClientRequest: true }));
    expect(transport.pending).toHaveLength(2);
  });

  it('shares a failure, as an error object of each waiter’s own with the same code and cause', async () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    const calls = [run(call()), run(call()), run(call())].map((pending) =>
      pending.then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    const error = withFailure(
      gatehouseError('SUBGRAPH_UNAVAILABLE', 'Subgraph "reviews" answered HTTP 503.', {
        serviceName: 'reviews',
      }),
      { kind: 'status', status: 503 },
    );
    transport.pending[0]?.reject(error);
    const [first, second, third] = (await Promise.all(calls)) as GraphQLError[];
    expect(first).toBe(error);
    for (const copy of [second, third]) {
      expect(copy).toBeInstanceOf(GraphQLError);
      expect(copy).not.toBe(error);
      expect(copy?.message).toBe(error.message);
      expect(copy?.extensions).toEqual(error.extensions);
      expect(copy?.extensions).not.toBe(error.extensions);
      expect(failureOf(copy)).toEqual({ kind: 'status', status: 503 });
    }
    expect(transport.pending).toHaveLength(1);
  });

  it('copies a `__proto__` key of an answer as the own property JSON.parse made it', async () => {
    const transport = heldTransport();
    const run = dedupe(transport.send);
    const calls = [run(call()), run(call())];
    transport.pending[0]?.resolve(
      JSON.parse('{"data":{"__proto__":{"polluted":true},"a":1}}') as SubgraphResponse,
    );
    const [, copy] = await Promise.all(calls);
    const data = copy?.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'a']);
    expect(data.polluted).toBeUndefined();
  });
});

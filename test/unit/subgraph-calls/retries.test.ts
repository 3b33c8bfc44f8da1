import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { gatehouseError } from '../../../src/errors.js';
import {
  withFailure,
  type SubgraphCall,
  type SubgraphFailure,
  type SubgraphResponse,
} from '../../../src/execution/transport/subgraph-call.js';
import type { GatehouseContext } from '../../../src/request-context.js';
import { backoffDelay, useRetries } from '../../../src/subgraph-calls/retries.js';

function retriesConfig(retries: Record<string, unknown>) {
  return resolveConfig({ transport: { retries } }, { env: {} }).transport.retries;
}

function failure(failure: SubgraphFailure) {
  return withFailure(gatehouseError('SUBGRAPH_UNAVAILABLE', 'Subgraph "reviews" failed.'), failure);
}

const ok: SubgraphResponse = { data: { ok: true } };

function newContext(): GatehouseContext {
  return { request: {} as FastifyRequest };
}

function call(overrides: Partial<SubgraphCall> = {}): SubgraphCall {
  return {
    subgraph: 'reviews',
    kind: 'query',
    body: '{"query":"{ a }"}',
    headers: {},
    context: newContext(),
    ...overrides,
  };
}

/**
 * Runs one call through the retries plugin against a transport that fails with `outcomes` in turn
 * (then answers); returns the outcome, the tries made and the waits asked for.
 */
async function run(
  retries: Record<string, unknown>,
  outcomes: (SubgraphFailure | 'ok')[],
  theCall: SubgraphCall = call(),
  random = 0.5,
) {
  const waits: number[] = [];
  const plugin = useRetries(retriesConfig(retries), {
    random: () => random,
    sleep: async (ms) => waits.push(ms),
  });
  let tries = 0;
  const next = async () => {
    const outcome = outcomes[tries++] ?? 'ok';
    if (outcome === 'ok') return ok;
    throw failure(outcome);
  };
  const send = plugin?.subgraphCall ? plugin.subgraphCall(theCall, next) : next();
  const result = await send.then(
    (response) => ({ response }),
    (error: unknown) => ({ error }),
  );
  return { ...result, tries, waits, installed: plugin !== undefined };
}

const on = { all: { enabled: true, minDelayMs: 10, maxDelayMs: 1_000 } };
const connection: SubgraphFailure = { kind: 'connection' };

describe('retries of subgraph calls', () => {
  it('are not in the plugin list unless enabled', async () => {
    expect(useRetries(retriesConfig({}))).toBeUndefined();
    expect(useRetries(retriesConfig({ ...on, budgetPerRequest: 0 }))).toBeUndefined();
    expect(useRetries(retriesConfig({ subgraphs: { reviews: { enabled: true } } }))?.name).toBe('retries');
  });

  it('retry a query whose connection failed, and answer with the retry', async () => {
    const result = await run(on, [connection]);
    expect(result).toMatchObject({ response: ok, tries: 2 });
  });

  it.each([502, 503, 504])('retry a query answered with %i', async (status) => {
    expect(await run(on, [{ kind: 'status', status }])).toMatchObject({ response: ok, tries: 2 });
  });

  it.each<[string, SubgraphFailure]>([
    ['a 500', { kind: 'status', status: 500 }],
    ['a 501', { kind: 'status', status: 501 }],
    ['a timeout', { kind: 'timeout' }],
    ['a body that is not GraphQL', { kind: 'bad-response', status: 200 }],
    ['a body too large', { kind: 'too-large' }],
    ['an open circuit breaker', { kind: 'circuit-open' }],
  ])('never retry %s', async (_name, kind) => {
    const result = await run(on, [kind]);
    expect(result.tries).toBe(1);
    expect(result).toHaveProperty('error');
  });

  it('retry timeouts with onTimeout', async () => {
    const result = await run({ all: { ...on.all, onTimeout: true } }, [{ kind: 'timeout' }]);
    expect(result).toMatchObject({ response: ok, tries: 2 });
  });

  it('never retry a mutation', async () => {
    const result = await run(on, [connection], call({ kind: 'mutation' }));
    expect(result.tries).toBe(1);
    expect((result as { error: Error }).error.message).toBe('Subgraph "reviews" failed.');
  });

  it('never retry an error without a transport failure on it', async () => {
    const plugin = useRetries(retriesConfig(on));
    let tries = 0;
    await expect(
      plugin?.subgraphCall?.(call(), async () => {
        tries++;
        throw new Error('a bug');
      }),
    ).rejects.toThrow('a bug');
    expect(tries).toBe(1);
  });

  it('stop after maxRetries, with the last failure', async () => {
    const result = await run({ all: { ...on.all, maxRetries: 2 } }, [connection, connection, connection]);
    expect(result.tries).toBe(3);
    expect(result).toHaveProperty('error');
  });

  it('wait with jittered exponential backoff between tries', async () => {
    const three = { all: { ...on.all, maxRetries: 3 } };
    expect((await run(three, [connection, connection, connection], call(), 0)).waits).toEqual([10, 10, 10]);
    expect((await run(three, [connection, connection, connection], call(), 0.5)).waits).toEqual([15, 25, 45]);
  });

  it('spend at most budgetPerRequest retries on all the calls of one client request', async () => {
    const plugin = useRetries(
      retriesConfig({ ...on, budgetPerRequest: 3, all: { ...on.all, maxRetries: 2 } }),
      {
        random: () => 0,
        sleep: async () => undefined,
      },
    );
    const context = newContext();
    let tries = 0;
    const alwaysDown = async (): Promise<SubgraphResponse> => {
      tries++;
      throw failure(connection);
    };
    const send = (subgraph: string) =>
      plugin?.subgraphCall?.(call({ subgraph, context }), alwaysDown).catch(() => 'failed');
    expect(await send('reviews')).toBe('failed');
    expect(tries).toBe(3); // 1 + 2 retries
    expect(await send('ratings')).toBe('failed');
    expect(tries).toBe(5); // 1 + the 1 retry left
    expect(await send('reviews')).toBe('failed');
    expect(tries).toBe(6); // none left
    // Another client request has its own budget.
    await plugin?.subgraphCall?.(call({ subgraph: 'reviews' }), alwaysDown).catch(() => undefined);
    expect(tries).toBe(9);
  });

  it('take per-subgraph overrides over `all`', async () => {
    const retries = { all: on.all, subgraphs: { reviews: { enabled: false }, ratings: { maxRetries: 1 } } };
    expect((await run(retries, [connection])).tries).toBe(1);
    const ratings = await run(retries, [connection, connection, connection], call({ subgraph: 'ratings' }));
    expect(ratings.tries).toBe(2);
    const other = await run(retries, [connection, connection, connection], call({ subgraph: 'products' }));
    expect(other.tries).toBe(3);
  });
});

describe('backoffDelay', () => {
  const policy = { minDelayMs: 100, maxDelayMs: 1_000 };

  it('is minDelayMs with no jitter', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, 0))).toEqual([100, 100, 100, 100]);
  });

  it('has a ceiling that doubles with each retry, up to maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, 0.999999))).toEqual([
      200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('spreads the waits between the two', () => {
    expect(backoffDelay(2, policy, 0.5)).toBe(250);
  });

  it('is 0 when minDelayMs is 0', () => {
    expect(backoffDelay(3, { minDelayMs: 0, maxDelayMs: 1_000 }, 0.5)).toBe(0);
  });
});

describe('the retries config', () => {
  it('is off by default, with short waits and a budget of 3', () => {
    expect(retriesConfig({})).toEqual({
      budgetPerRequest: 3,
      all: { enabled: false, maxRetries: 2, minDelayMs: 25, maxDelayMs: 500, onTimeout: false },
      subgraphs: {},
    });
  });

  it('refuses maxDelayMs below minDelayMs, in `all` or once merged for a subgraph', () => {
    expect(() => retriesConfig({ all: { minDelayMs: 100, maxDelayMs: 50 } })).toThrow(
      expect.objectContaining({
        details: ['transport.retries.all.maxDelayMs: expected at least minDelayMs (100)'],
      }),
    );
    expect(() => retriesConfig({ subgraphs: { reviews: { minDelayMs: 1_000 } } })).toThrow(
      expect.objectContaining({
        details: ['transport.retries.subgraphs.reviews.maxDelayMs: expected at least minDelayMs (1000)'],
      }),
    );
  });

  it('refuses overrides for subgraphs the config does not list', () => {
    const config = {
      subgraphs: [{ name: 'reviews', url: 'http://127.0.0.1:4002/graphql' }],
      transport: { retries: { subgraphs: { reveiws: {} } }, circuitBreaker: { subgraphs: { reviews: {} } } },
    };
    expect(() => resolveConfig(config, { env: {} })).toThrow(
      expect.objectContaining({
        details: ['transport.retries.subgraphs.reveiws: no subgraph is named "reveiws"'],
      }),
    );
  });
});

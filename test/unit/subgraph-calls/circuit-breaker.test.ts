import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import type { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { gatehouseError } from '../../../src/errors.js';
import {
  failureOf,
  withFailure,
  type SubgraphCall,
  type SubgraphFailure,
  type SubgraphResponse,
} from '../../../src/execution/transport/subgraph-call.js';
import { useCircuitBreaker } from '../../../src/subgraph-calls/circuit-breaker.js';

function breakerConfig(circuitBreaker: Record<string, unknown>) {
  return resolveConfig({ transport: { circuitBreaker } }, { env: {} }).transport.circuitBreaker;
}

function call(subgraph = 'reviews'): SubgraphCall {
  return {
    subgraph,
    kind: 'query',
    body: '{"query":"{ a }"}',
    headers: {},
    context: { request: {} as FastifyRequest },
  };
}

/** The plugin on a clock the test moves, with its log lines and a transport the test scripts. */
function setUp(circuitBreaker: Record<string, unknown>, subgraphs: string[] = []) {
  let now = 0;
  const lines: { level: number; msg: string; subgraph?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const plugin = useCircuitBreaker(breakerConfig(circuitBreaker), { logger }, subgraphs, () => now);
  let sent = 0;
  let outcome: SubgraphFailure | 'ok' | Error = 'ok';
  const next = async (): Promise<SubgraphResponse> => {
    sent++;
    if (outcome === 'ok') return { data: { ok: true } };
    if (outcome instanceof Error) throw outcome;
    throw withFailure(gatehouseError('SUBGRAPH_UNAVAILABLE', 'down'), outcome);
  };
  const send = (subgraph = 'reviews') =>
    (plugin?.subgraphCall?.(call(subgraph), next) ?? next()).then(
      () => 'answered',
      (error: GraphQLError) => error,
    );
  return {
    plugin,
    lines,
    send,
    sent: () => sent,
    answer(next: typeof outcome) {
      outcome = next;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

const enabled = { all: { enabled: true, failureThreshold: 3, resetTimeoutMs: 1_000 } };

describe('the circuit-breaker plugin', () => {
  it('is off by default: 5 failures open it for 10 s once enabled', () => {
    expect(breakerConfig({})).toEqual({
      all: { enabled: false, failureThreshold: 5, resetTimeoutMs: 10_000 },
      subgraphs: {},
    });
  });

  it('is not in the plugin list unless enabled', () => {
    expect(useCircuitBreaker(breakerConfig({}), { logger: pino({ level: 'silent' }) })).toBeUndefined();
    const one = useCircuitBreaker(breakerConfig({ subgraphs: { reviews: { enabled: true } } }), {
      logger: pino({ level: 'silent' }),
    });
    expect(one?.name).toBe('circuit-breaker');
  });

  it('opens after consecutive failures and then fails at once, tagged, without calling', async () => {
    const breaker = setUp(enabled);
    breaker.answer({ kind: 'connection' });
    for (let i = 0; i < 3; i++) await breaker.send();
    expect(breaker.sent()).toBe(3);
    expect(breaker.plugin?.readiness?.()).toEqual({
      subgraphs: { reviews: { state: 'open', halfOpensInMs: 1_000 } },
    });

    const started = performance.now();
    const error = (await breaker.send()) as GraphQLError;
    expect(performance.now() - started).toBeLessThan(5);
    expect(breaker.sent()).toBe(3);
    expect(error.message).toBe(
      'Subgraph "reviews" is not called while its circuit breaker is open after repeated failures.',
    );
    expect(error.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews' });
    expect(failureOf(error)).toEqual({ kind: 'circuit-open' });
  });

  it.each<[string, SubgraphFailure]>([
    ['timeouts', { kind: 'timeout' }],
    ['5xx answers', { kind: 'status', status: 500 }],
  ])('counts %s as failures', async (_name, failure) => {
    const breaker = setUp(enabled);
    breaker.answer(failure);
    for (let i = 0; i < 3; i++) await breaker.send();
    expect(breaker.plugin?.readiness?.()).toMatchObject({ subgraphs: { reviews: { state: 'open' } } });
  });

  it.each<[string, SubgraphFailure | Error]>([
    ['answers that are not GraphQL', { kind: 'bad-response', status: 404 }],
    ['answers too large', { kind: 'too-large' }],
    ['errors of no transport', new Error('a bug')],
  ])('does not count %s as failures', async (_name, failure) => {
    const breaker = setUp(enabled);
    breaker.answer(failure);
    for (let i = 0; i < 5; i++) await breaker.send();
    expect(breaker.plugin?.readiness?.()).toEqual({
      subgraphs: { reviews: { state: 'closed', consecutiveFailures: 0 } },
    });
  });

  it('half-opens after resetTimeoutMs, closes on a good trial, and logs each transition at warn', async () => {
    const breaker = setUp(enabled);
    breaker.answer({ kind: 'status', status: 503 });
    for (let i = 0; i < 3; i++) await breaker.send();
    breaker.advance(1_000);
    expect(breaker.plugin?.readiness?.()).toEqual({ subgraphs: { reviews: { state: 'half-open' } } });
    breaker.answer('ok');
    expect(await breaker.send()).toBe('answered');
    expect(breaker.sent()).toBe(4);
    expect(breaker.plugin?.readiness?.()).toEqual({
      subgraphs: { reviews: { state: 'closed', consecutiveFailures: 0 } },
    });
    expect(breaker.lines.map(({ level, msg, subgraph }) => ({ level, msg, subgraph }))).toEqual([
      {
        level: 40,
        msg: 'circuit breaker of subgraph "reviews" opened: its calls fail at once for a while',
        subgraph: 'reviews',
      },
      {
        level: 40,
        msg: 'circuit breaker of subgraph "reviews" is half-open: the next call is a trial',
        subgraph: 'reviews',
      },
      {
        level: 40,
        msg: 'circuit breaker of subgraph "reviews" closed: its calls go through again',
        subgraph: 'reviews',
      },
    ]);
  });

  it('reopens when the trial fails, and fails the calls made while the trial runs', async () => {
    const breaker = setUp(enabled);
    breaker.answer({ kind: 'connection' });
    for (let i = 0; i < 3; i++) await breaker.send();
    breaker.advance(1_000);
    const trial = breaker.send();
    const during = await breaker.send();
    expect(failureOf(during)).toEqual({ kind: 'circuit-open' });
    expect(failureOf(await trial)).toEqual({ kind: 'connection' });
    expect(breaker.sent()).toBe(4);
    expect(breaker.plugin?.readiness?.()).toEqual({
      subgraphs: { reviews: { state: 'open', halfOpensInMs: 1_000 } },
    });
  });

  it('keeps one breaker per subgraph, with per-subgraph overrides', async () => {
    const breaker = setUp(
      { all: enabled.all, subgraphs: { ratings: { failureThreshold: 1 }, inventory: { enabled: false } } },
      ['reviews', 'ratings', 'inventory'],
    );
    expect(breaker.plugin?.readiness?.()).toEqual({
      subgraphs: {
        reviews: { state: 'closed', consecutiveFailures: 0 },
        ratings: { state: 'closed', consecutiveFailures: 0 },
      },
    });
    breaker.answer({ kind: 'connection' });
    await breaker.send('ratings');
    for (let i = 0; i < 5; i++) await breaker.send('inventory');
    await breaker.send('products');
    expect(breaker.plugin?.readiness?.()).toEqual({
      subgraphs: {
        reviews: { state: 'closed', consecutiveFailures: 0 },
        ratings: { state: 'open', halfOpensInMs: 1_000 },
        products: { state: 'closed', consecutiveFailures: 1 },
      },
    });
  });
});

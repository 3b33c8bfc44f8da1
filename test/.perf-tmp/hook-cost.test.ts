import type { FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { composeSubgraphCall, type SubgraphCallHook } from '../../src/execution/subgraph-call.js';
import { useCircuitBreaker } from '../../src/subgraph-calls/circuit-breaker.js';
import { useRetries } from '../../src/subgraph-calls/retries.js';

it('cost per call', async () => {
  const t = resolveConfig({ transport: { retries: { all: { enabled: true } }, circuitBreaker: { all: { enabled: true } } } }, { env: {} }).transport;
  const r = useRetries(t.retries)!.subgraphCall as SubgraphCallHook;
  const b = useCircuitBreaker(t.circuitBreaker, { logger: pino({ level: 'silent' }) })!.subgraphCall as SubgraphCallHook;
  const answer = { data: {} };
  const send = () => Promise.resolve(answer);
  const call = { subgraph: 'reviews', kind: 'query' as const, body: '{}', headers: {}, context: { request: {} as FastifyRequest } };
  for (const [name, fn] of [['bare', composeSubgraphCall([], send)], ['retries', composeSubgraphCall([r], send)], ['breaker', composeSubgraphCall([b], send)], ['both', composeSubgraphCall([r, b], send)]] as const) {
    let best = Infinity;
    for (let round = 0; round < 4; round++) {
      const n = 1_000_000;
      const start = performance.now();
      for (let i = 0; i < n; i++) await fn(call);
      best = Math.min(best, ((performance.now() - start) * 1e6) / n);
    }
    console.log(name, best.toFixed(0), 'ns/call');
  }
});

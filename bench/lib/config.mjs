// The harness settings, from BENCH_* environment variables (listed in bench/README.md).
import { CONTENDERS } from './contenders.mjs';
import { fail, numberEnv } from './util.mjs';

export function readConfig() {
  const labels = (process.env.BENCH_CONTENDERS ?? 'A,B,C')
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
  const known = new Set(CONTENDERS.map((contender) => contender.label));
  const unknown = labels.filter((label) => !known.has(label));
  if (labels.length === 0 || unknown.length > 0) {
    fail(`BENCH_CONTENDERS: unknown ${unknown.join(', ') || '(empty)'}; known: ${[...known].join(', ')}`);
  }
  return {
    contenders: labels,
    rounds: numberEnv('BENCH_ROUNDS', 3, { min: 1, integer: true }),
    duration: numberEnv('BENCH_DURATION', 15, { min: 1, integer: true }),
    warmup: numberEnv('BENCH_WARMUP', 5, { min: 0, integer: true }),
    connections: numberEnv('BENCH_CONNECTIONS', 50, { min: 1, integer: true }),
    host: process.env.BENCH_HOST || '127.0.0.1',
    port: numberEnv('BENCH_PORT', 0, { min: 0, integer: true }),
    subgraphBasePort: numberEnv('BENCH_SUBGRAPH_BASE_PORT', 0, { min: 0, integer: true }),
    readyTimeoutSec: numberEnv('BENCH_READY_TIMEOUT', 60, { min: 1 }),
    subgraphResponseCache: process.env.BENCH_SUBGRAPH_RESPONSE_CACHE !== '0',
    // The short runs after the rounds: B, D and E once each (short-runs.mjs); 0 leaves them out. The
    // variables keep the names they had when the runs were B and D, the de-duplication pair.
    shortRunsDuration: numberEnv('BENCH_DEDUPE_DURATION', 5, { min: 0, integer: true }),
    shortRunsWarmup: numberEnv('BENCH_DEDUPE_WARMUP', 2, { min: 0, integer: true }),
    // L's Redis (traffic control on Redis); `off` leaves L out of the short runs.
    redisUrl: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    rssSampleMs: 100,
  };
}

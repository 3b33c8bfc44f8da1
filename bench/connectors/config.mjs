// The connector benchmark's settings, from environment variables (listed in bench/README.md).
import { numberEnv } from '../lib/util.mjs';

export function readConfig() {
  return {
    rounds: numberEnv('BENCH_CONNECTORS_ROUNDS', 2, { min: 1, integer: true }),
    duration: numberEnv('BENCH_CONNECTORS_DURATION', 10, { min: 1, integer: true }),
    warmup: numberEnv('BENCH_CONNECTORS_WARMUP', 3, { integer: true }),
    connections: numberEnv('BENCH_CONNECTORS_CONNECTIONS', 20, { min: 1, integer: true }),
    host: process.env.BENCH_HOST || '127.0.0.1',
    readyTimeoutSec: numberEnv('BENCH_READY_TIMEOUT', 60, { min: 1 }),
    sequentialProbes: 5,
  };
}

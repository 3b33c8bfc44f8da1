// The connector benchmark's settings, from environment variables (listed in bench/README.md).
import { fail } from '../lib/util.mjs';

function numberEnv(name, fallback, { min = 0, integer = true } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(`${name}=${raw}: expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

export function readConfig() {
  return {
    rounds: numberEnv('BENCH_CONNECTORS_ROUNDS', 2, { min: 1 }),
    duration: numberEnv('BENCH_CONNECTORS_DURATION', 10, { min: 1 }),
    warmup: numberEnv('BENCH_CONNECTORS_WARMUP', 3),
    connections: numberEnv('BENCH_CONNECTORS_CONNECTIONS', 20, { min: 1 }),
    host: process.env.BENCH_HOST || '127.0.0.1',
    readyTimeoutSec: numberEnv('BENCH_READY_TIMEOUT', 60, { min: 1, integer: false }),
    sequentialProbes: 5,
  };
}

// Shared by the harness modules: the repository root, failing, logging and waiting.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A failure of the benchmark itself: reported by its message alone, with exit code 1. */
export class BenchError extends Error {}

export function fail(message) {
  throw new BenchError(message);
}

/** Runs a benchmark's main function; a failure is reported (a BenchError by its message alone) and exits 1. */
export async function runBenchmark(main, name = '') {
  try {
    await main();
  } catch (error) {
    const reason = error instanceof BenchError ? error.message : (error?.stack ?? error);
    process.stderr.write(`\n[bench] ${name ? `${name} ` : ''}FAILED: ${reason}\n`);
    process.exitCode = 1;
  }
}

/** Progress goes to stderr; stdout carries only the result table. */
export function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

export function sleep(ms) {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** A numeric setting from the environment, or the fallback; anything else fails the run. */
export function numberEnv(name, fallback, { min = 0, integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(`${name}=${raw}: expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

// The short runs after the rounds: Gatehouse with one worker and in-flight de-duplication off (D), and
// two variants of it, one run each under the same load, each compared with D within this one window:
// - B, de-duplication on (the default). Identical concurrent subgraph queries are sent once, so the
//   subgraph requests per client request fall under load; sequential requests never overlap.
// - E, every optional plugin on (retries, circuit breaker, header rules, CORS, usage reporting) with
//   healthy subgraphs: what they cost.
// - F, G and H: telemetry off, metrics only, and metrics with every request traced (see contenders.mjs).
// - I and J: the protections (limits, cost, APQ, introspection access) off, and at their `prod` defaults.
// - K and L: J with a usage plan (rate, quota, cost budget) on the memory store, and on Redis.
import { contendersFor } from './contenders.mjs';
import { runContender } from './run-contender.mjs';
import { round } from './stats.mjs';

/** The contenders, in the order they run. */
export const SHORT_RUN_CONTENDERS = ['B', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'];

/** Each ratio is the figures of one run over those of another. */
export const SHORT_RUN_RATIOS = [
  { label: 'B/D', of: 'B', over: 'D', meaning: 'in-flight de-duplication on / off' },
  { label: 'E/D', of: 'E', over: 'D', meaning: 'every optional plugin on / off' },
  { label: 'D/F', of: 'D', over: 'F', meaning: 'default telemetry (metrics, dashboard) / telemetry off' },
  { label: 'G/F', of: 'G', over: 'F', meaning: 'metrics / telemetry off' },
  { label: 'H/G', of: 'H', over: 'G', meaning: 'traces at 100% sampling, with metrics / metrics only' },
  { label: 'H/F', of: 'H', over: 'F', meaning: 'traces at 100% and metrics / telemetry off' },
  { label: 'J/I', of: 'J', over: 'I', meaning: 'prod protections (limits, cost, APQ, introspection) / off' },
  {
    label: 'K/J',
    of: 'K',
    over: 'J',
    meaning: 'traffic plan (rate, quota, cost) on memory / no limits (goal CPU < 1.03)',
  },
  {
    label: 'L/J',
    of: 'L',
    over: 'J',
    meaning: 'traffic plan (rate, quota, cost) on Redis / no limits (goal CPU < 1.10)',
  },
];

const FIGURES = [
  'subgraphRequestsPerRequest',
  'subgraphRequestsPerRequestSequential',
  'rps',
  'cpuMsPerRequest',
  'p99Ms',
];

/** Runs the short-run contenders once each; null when they are off (BENCH_DEDUPE_DURATION=0) or B is not run. */
export async function runShortRuns({ config, subgraphs, supergraphFile, workload }) {
  if (config.shortRunsDuration === 0 || !config.contenders.includes('B')) return null;
  const short = { ...config, duration: config.shortRunsDuration, warmup: config.shortRunsWarmup };
  const runs = [];
  // L needs a Redis; BENCH_REDIS_URL=off runs without it (its ratio is then "-").
  const labels = SHORT_RUN_CONTENDERS.filter((label) => label !== 'L' || config.redisUrl !== 'off');
  for (const contender of contendersFor(labels)) {
    runs.push(
      await runContender({
        contender,
        roundNumber: 'short',
        config: short,
        subgraphs,
        supergraphFile,
        workload,
      }),
    );
  }
  const figures = Object.fromEntries(
    runs.map((run) => [run.label, Object.fromEntries(FIGURES.map((figure) => [figure, run[figure]]))]),
  );
  const ratio = ({ of, over }) =>
    Object.fromEntries(
      FIGURES.map((figure) => {
        const [top, bottom] = [figures[of]?.[figure], figures[over]?.[figure]];
        if (top === undefined || top === null) return [figure, null];
        return [figure, bottom ? round(top / bottom, 3) : null];
      }),
    );
  return {
    durationSec: short.duration,
    warmupSec: short.warmup,
    connections: short.connections,
    figures,
    ratios: Object.fromEntries(SHORT_RUN_RATIOS.map((spec) => [spec.label, ratio(spec)])),
    runs,
  };
}

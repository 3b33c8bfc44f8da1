// The in-flight de-duplication figure: Gatehouse with it (B) and without it (D), one short run each
// under the same load, after the rounds. Identical concurrent subgraph queries are sent once, so the
// subgraph requests per client request fall under load; sequential requests never overlap.
import { contendersFor } from './contenders.mjs';
import { runContender } from './run-contender.mjs';
import { round } from './stats.mjs';

const FIGURES = [
  'subgraphRequestsPerRequest',
  'subgraphRequestsPerRequestSequential',
  'rps',
  'cpuMsPerRequest',
  'p99Ms',
];

/** Runs B and D once each; null when the figure is off (BENCH_DEDUPE_DURATION=0) or B is not run. */
export async function dedupeComparison({ config, subgraphs, supergraphFile, workload }) {
  if (config.dedupeDuration === 0 || !config.contenders.includes('B')) return null;
  const short = { ...config, duration: config.dedupeDuration, warmup: config.dedupeWarmup };
  const runs = [];
  for (const contender of contendersFor(['B', 'D'])) {
    runs.push(
      await runContender({
        contender,
        roundNumber: 'dedupe',
        config: short,
        subgraphs,
        supergraphFile,
        workload,
      }),
    );
  }
  const [on, off] = runs;
  const pick = (run) => Object.fromEntries(FIGURES.map((figure) => [figure, run[figure]]));
  return {
    durationSec: short.duration,
    warmupSec: short.warmup,
    connections: short.connections,
    on: pick(on),
    off: pick(off),
    // With de-duplication over without, within this one pair of runs.
    ratioOnToOff: Object.fromEntries(
      FIGURES.map((figure) => [figure, off[figure] ? round(on[figure] / off[figure], 3) : null]),
    ),
    runs,
  };
}

// Statistics over the rounds: medians per contender, and ratios against contender A within each round.

/** The figures of a run that get a median and a ratio against A. */
const METRICS = ['rps', 'p50Ms', 'p99Ms', 'cpuMsPerRequest', 'subgraphRequestsPerRequest', 'peakRssMiB'];

export function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `rounds` holds, per round, the figures of each contender's run. */
export function summarise(rounds, labels) {
  const runOf = (runsOfRound, label) => runsOfRound.find((run) => run.label === label);
  const summary = {};
  for (const label of labels) {
    const runs = rounds.map((runsOfRound) => runOf(runsOfRound, label)).filter(Boolean);
    const medians = {};
    for (const metric of METRICS) medians[metric] = median(runs.map((run) => run[metric]));
    medians.maxPeakRssPerWorkerMiB = median(runs.map((run) => Math.max(...run.peakRssPerWorkerMiB)));
    medians.subgraphCpuMsPerRequest = median(runs.map((run) => run.subgraphCpuMsPerRequest));
    let ratiosVsA = null;
    if (labels.includes('A')) {
      ratiosVsA = {};
      for (const metric of METRICS) {
        const ratios = rounds.map((runsOfRound) => {
          const run = runOf(runsOfRound, label);
          const baseline = runOf(runsOfRound, 'A');
          return run && baseline && baseline[metric] ? run[metric] / baseline[metric] : NaN;
        });
        const value = median(ratios);
        ratiosVsA[metric] = value === null ? null : round(value, 3);
      }
    }
    summary[label] = { runs: runs.length, medians, ratiosVsA };
  }
  return summary;
}

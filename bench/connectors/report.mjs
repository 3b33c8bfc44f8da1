// The connector benchmark's summary (medians over rounds, ratios batched/unbatched), its JSON report in
// bench/results/connectors.json and its table on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { median, round } from '../lib/stats.mjs';
import { ROOT } from '../lib/util.mjs';

/** The figures of a run that get a median and a ratio. */
const METRICS = [
  'rps',
  'p50Ms',
  'p99Ms',
  'backendCallsPerRequest',
  'backendCallsPerRequestSequential',
  'gatewayCpuMsPerRequest',
  'backendCpuMsPerRequest',
];

const NOTES = [
  'Medians over rounds. Ratios are batched / unbatched within each round, then the median over rounds.',
  'Backend calls/req: REST calls the backend received from the start of the measured window until the gateway drained, divided by the requests sent. Sequential: the same over 5 requests sent one after the other.',
  'Every response is compared with the expected body (50 items with id, name, stock and price); any difference, non-200, error or timeout fails the run.',
  'Gateway CPU ms/req: utime+stime of the gateway process tree over the measured window / responses. Backend CPU likewise for the backend process (REST endpoints and the items GraphQL subgraph).',
  'Round n runs the contenders in the order batched, unbatched for odd n and the reverse for even n.',
];

/** `rounds`: per round, the runs of that round. */
export function summarise(rounds, labels) {
  const runOf = (runs, label) => runs.find((run) => run.label === label);
  const medians = {};
  for (const label of labels) {
    medians[label] = {};
    for (const metric of METRICS) {
      medians[label][metric] = median(rounds.map((runs) => runOf(runs, label)?.[metric]));
    }
  }
  const batchedOverUnbatched = {};
  for (const metric of METRICS) {
    const value = median(
      rounds.map((runs) => {
        const batched = runOf(runs, 'batched')?.[metric];
        const unbatched = runOf(runs, 'unbatched')?.[metric];
        return unbatched ? batched / unbatched : NaN;
      }),
    );
    batchedOverUnbatched[metric] = value === null ? null : round(value, 3);
  }
  return { medians, batchedOverUnbatched };
}

export function buildReport({ startedAt, config, contenders, summary, rounds, query }) {
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: 'node bench/connectors.mjs',
    config,
    query,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    contenders,
    notes: NOTES,
    summary,
    rounds,
  };
}

export function writeReport(report) {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'connectors.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function printReport({ config, machine, contenders, summary }) {
  const fmt = (value, digits = 2) =>
    value === null || value === undefined ? '-' : String(round(value, digits));
  const header = [
    '',
    'req/s',
    'p50 ms',
    'p99 ms',
    'backend calls/req',
    'sequential',
    'gateway CPU ms/req',
    'backend CPU ms/req',
  ];
  const row = (name, figures, digits) => [
    name,
    fmt(figures.rps, digits ?? 1),
    fmt(figures.p50Ms, digits),
    fmt(figures.p99Ms, digits),
    fmt(figures.backendCallsPerRequest, digits),
    fmt(figures.backendCallsPerRequestSequential, digits),
    fmt(figures.gatewayCpuMsPerRequest, digits ?? 3),
    fmt(figures.backendCpuMsPerRequest, digits ?? 3),
  ];
  const rows = [
    ...contenders.map(({ label }) => row(label, summary.medians[label])),
    row('batched/unbatched', summary.batchedOverUnbatched, 3),
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  process.stdout.write(
    `\nREST connector, ${config.rounds} round(s), medians; ${config.duration} s measured after ${config.warmup} s ` +
      `warm-up, ${config.connections} connections, ${machine.cpus} CPUs, Node ${machine.node}\n\n` +
      `${[line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')}\n\n` +
      `Written to ${join('bench', 'results', 'connectors.json')}\n`,
  );
}

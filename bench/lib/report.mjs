// The report: the full JSON in bench/results/, and the summary table on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { COMMON_ENV } from './contenders.mjs';
import { CLK_TCK } from './proc.mjs';
import { round } from './stats.mjs';
import { ROOT } from './util.mjs';

const NOTES = [
  'Ratios are computed against A within each round, then the median over rounds is taken.',
  'CPU ms/req: utime+stime delta of the contender process tree over the measured window / responses.',
  'Peak RSS: summed VmRSS of the contender process tree, sampled every 100 ms from start to the end of the measured window.',
  'Subgraph req/req: requests the subgraphs received from the start of the measured window until the gateway drained / requests sent; subgraphRequestsPerRequestSequential: the same for single requests sent one after the other.',
  'The gateway is idle (subgraphs quiet for 500 ms) when the measured window starts.',
  'dedupe: B (in-flight de-duplication on, the default) and D (the same with transport.dedupeInflight: false), one short run each after the rounds; ratioOnToOff is on / off.',
];

export function buildReport({ startedAt, config, workloadDir, contenders, summary, rounds, dedupe = null }) {
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    config: { ...config, clockTicksPerSecond: CLK_TCK, workloadDir, commonEnv: COMMON_ENV },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    contenders: contenders.map(({ label, name, description, command, args, env }) => ({
      label,
      name,
      description,
      command,
      args,
      env,
    })),
    notes: NOTES,
    summary,
    rounds,
    dedupe,
  };
}

/** Writes bench/results/latest.json and a copy named after the start time. */
export function writeReport(report) {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, `${report.startedAt.replace(/[:.]/g, '-')}.json`), json);
}

function formatTable(summary, contenders) {
  const header = [
    'contender',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'sg req/req',
    'RSS MiB',
    'RSS/worker',
    'req/s ×A',
    'p99 ×A',
    'CPU ×A',
    'RSS ×A',
  ];
  const fmt = (value, digits = 2) =>
    value === null || value === undefined ? '-' : String(round(value, digits));
  const rows = contenders.map(({ label, name }) => {
    const { medians, ratiosVsA } = summary[label];
    return [
      `${label} ${name}`,
      fmt(medians.rps, 1),
      fmt(medians.p50Ms),
      fmt(medians.p99Ms),
      fmt(medians.cpuMsPerRequest),
      fmt(medians.subgraphRequestsPerRequest),
      fmt(medians.peakRssMiB, 1),
      fmt(medians.maxPeakRssPerWorkerMiB, 1),
      fmt(ratiosVsA?.rps),
      fmt(ratiosVsA?.p99Ms),
      fmt(ratiosVsA?.cpuMsPerRequest),
      fmt(ratiosVsA?.peakRssMiB),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** B with and without in-flight de-duplication (D), and the ratio of each figure. */
function formatDedupe({ on, off, ratioOnToOff }) {
  const fmt = (value, digits = 2) =>
    value === null || value === undefined ? '-' : String(round(value, digits));
  const row = (name, figures, digits, rpsDigits = digits) => [
    name,
    fmt(figures.subgraphRequestsPerRequest, digits),
    fmt(figures.subgraphRequestsPerRequestSequential, digits),
    fmt(figures.rps, rpsDigits),
    fmt(figures.cpuMsPerRequest, digits),
    fmt(figures.p99Ms, digits),
  ];
  const rows = [
    ['in-flight de-duplication', 'sg req/req', 'sequential', 'req/s', 'CPU ms/req', 'p99 ms'],
    row('B on (default)', on, 2, 1),
    row('D off', off, 2, 1),
    row('on / off', ratioOnToOff, 3),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const line = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [line(rows[0]), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)].join(
    '\n',
  );
}

export function printReport({ config, machine, contenders, summary, dedupe }) {
  process.stdout.write(
    `\nMedians over ${config.rounds} round(s); ${config.duration} s measured after ${config.warmup} s warm-up, ` +
      `${config.connections} connections, ${machine.cpus} CPUs, Node ${machine.node}\n\n`,
  );
  process.stdout.write(`${formatTable(summary, contenders)}\n\n`);
  if (dedupe) {
    process.stdout.write(
      `One run each, ${dedupe.durationSec} s measured after ${dedupe.warmupSec} s warm-up, ` +
        `${dedupe.connections} connections:\n\n${formatDedupe(dedupe)}\n\n`,
    );
  }
  process.stdout.write(`Written to ${join('bench', 'results', 'latest.json')}\n`);
}

// The report: the full JSON in bench/results/, and the summary table on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { COMMON_ENV, CONTENDERS } from './contenders.mjs';
import { CLK_TCK } from './proc.mjs';
import { SHORT_RUN_RATIOS } from './short-runs.mjs';
import { round } from './stats.mjs';
import { ROOT } from './util.mjs';

const NOTES = [
  'Ratios are computed against A within each round, then the median over rounds is taken.',
  'CPU ms/req: utime+stime delta of the contender process tree over the measured window / responses.',
  'Peak RSS: summed VmRSS of the contender process tree, sampled every 100 ms from start to the end of the measured window.',
  'Subgraph req/req: requests the subgraphs received from the start of the measured window until the gateway drained / requests sent; subgraphRequestsPerRequestSequential: the same for single requests sent one after the other.',
  'The gateway is idle (subgraphs quiet for 500 ms) when the measured window starts.',
  'shortRuns: B (in-flight de-duplication on, the default), D (the same with transport.dedupeInflight: false) and E (D with retries, circuit breaker, header rules and CORS on), one short run each after the rounds, then F (D with telemetry off: no metrics, no dashboard), G (D with metrics only) and H (G with every request traced and exported over OTLP/HTTP (protobuf) to a local sink); ratios["B/D"] is de-duplication on / off, ratios["E/D"] the optional plugins on / off, ratios["G/F"] metrics on / off, ratios["H/G"] tracing at 100% on / off; I (D with the protections off: limits, cost, APQ, introspection access) and J (D again, the `prod` protections), ratios["J/I"] protections on / off.; K (J with a usage plan: rate, quota and cost budget, on the memory store) and L (the same on Redis), ratios["K/J"] and ratios["L/J"] traffic control on / off (goals: CPU ms/req under 1.03 and 1.10).',
];

export function buildReport({
  startedAt,
  config,
  workloadDir,
  contenders,
  summary,
  rounds,
  shortRuns = null,
}) {
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
    contenders: contenders.map(
      ({ label, name, description, command, args, env, requestHeaders, responseHeaders }) => ({
        label,
        name,
        description,
        command,
        args,
        env,
        requestHeaders,
        responseHeaders,
      }),
    ),
    notes: NOTES,
    summary,
    rounds,
    shortRuns,
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

/** B, D and E, one run each, and the ratios of their figures (B/D, E/D). */
function formatShortRuns({ figures, ratios }) {
  const fmt = (value, digits = 2) =>
    value === null || value === undefined ? '-' : String(round(value, digits));
  const row = (name, values, digits, rpsDigits = digits) => [
    name,
    fmt(values.subgraphRequestsPerRequest, digits),
    fmt(values.subgraphRequestsPerRequestSequential, digits),
    fmt(values.rps, rpsDigits),
    fmt(values.cpuMsPerRequest, digits),
    fmt(values.p99Ms, digits),
  ];
  const nameOf = (label) => CONTENDERS.find((contender) => contender.label === label).name;
  const rows = [
    ['one run each', 'sg req/req', 'sequential', 'req/s', 'CPU ms/req', 'p99 ms'],
    ...Object.entries(figures).map(([label, values]) => row(`${label} ${nameOf(label)}`, values, 2, 1)),
    ...SHORT_RUN_RATIOS.map(({ label, meaning }) => row(`${label}: ${meaning}`, ratios[label], 3)),
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

export function printReport({ config, machine, contenders, summary, shortRuns }) {
  process.stdout.write(
    `\nMedians over ${config.rounds} round(s); ${config.duration} s measured after ${config.warmup} s warm-up, ` +
      `${config.connections} connections, ${machine.cpus} CPUs, Node ${machine.node}\n\n`,
  );
  process.stdout.write(`${formatTable(summary, contenders)}\n\n`);
  if (shortRuns) {
    process.stdout.write(
      `One run each, ${shortRuns.durationSec} s measured after ${shortRuns.warmupSec} s warm-up, ` +
        `${shortRuns.connections} connections:\n\n${formatShortRuns(shortRuns)}\n\n`,
    );
  }
  process.stdout.write(`Written to ${join('bench', 'results', 'latest.json')}\n`);
}

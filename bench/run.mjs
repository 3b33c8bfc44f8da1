#!/usr/bin/env node
// The benchmark harness: `npm run bench` (which builds first), or `node bench/run.mjs` after a build.
// bench/README.md describes the runs, the figures and the BENCH_* environment variables.
//
// Starts the benchmark subgraphs once, then runs the contenders one at a time, round by round (A B C,
// A B C, ...), then B, D (B without in-flight de-duplication) and E (D with every optional plugin)
// once each, shorter. Any wrong response, error or timeout fails the whole run (exit code 1). Writes
// bench/results/latest.json (and a timestamped copy) and prints a table to stdout; progress goes to
// stderr.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig } from './lib/config.mjs';
import { CONTENDERS, contendersFor, writeContenderFiles } from './lib/contenders.mjs';
import { makeWorkload } from './lib/load.mjs';
import { stopAllProcesses } from './lib/processes.mjs';
import { buildReport, printReport, writeReport } from './lib/report.mjs';
import { runContender } from './lib/run-contender.mjs';
import { startOtlpSink } from './lib/otlp-sink.mjs';
import { runShortRuns } from './lib/short-runs.mjs';
import { summarise } from './lib/stats.mjs';
import { assertSubgraphsBuilt, startSubgraphs } from './lib/subgraphs.mjs';
import { log, ROOT, runBenchmark } from './lib/util.mjs';

async function main() {
  const config = readConfig();
  assertSubgraphsBuilt();
  const contenders = contendersFor(config.contenders);
  const { benchWorkloadDir, readBenchFile, supergraphWithUrls } = await import(
    pathToFileURL(join(ROOT, 'dist/bench/subgraphs/workload.js')).href
  );
  const workload = makeWorkload(readBenchFile('query.graphql'), readBenchFile('expected.json'));

  const startedAt = new Date();
  const tmp = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-'));
  const sinks = [];
  const cleanup = async () => {
    await stopAllProcesses();
    for (const sink of sinks) await sink.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    log('interrupted');
    void cleanup().then(() => process.exit(130));
  });

  try {
    const subgraphs = await startSubgraphs(config);
    const otlpSink = await startOtlpSink();
    sinks.push(otlpSink);
    const supergraphFile = join(tmp, 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraphWithUrls(readBenchFile('supergraph.graphql'), subgraphs.urls));
    writeContenderFiles(CONTENDERS, tmp, { ...subgraphs.urls, otlp: otlpSink.url, redis: config.redisUrl });
    log(
      `subgraphs: ${Object.entries(subgraphs.urls)
        .map(([name, url]) => `${name} ${url}`)
        .join(', ')}`,
    );
    log(
      `${config.rounds} round(s) of ${config.contenders.join(' ')}; warm-up ${config.warmup} s, ` +
        `measured ${config.duration} s, ${config.connections} connections`,
    );

    const rounds = [];
    for (let roundNumber = 1; roundNumber <= config.rounds; roundNumber++) {
      const runs = [];
      for (const contender of contenders) {
        runs.push(
          await runContender({ contender, roundNumber, config, subgraphs, supergraphFile, workload }),
        );
      }
      rounds.push(runs);
    }

    const shortRuns = await runShortRuns({ config, subgraphs, supergraphFile, workload });
    // The traced contender must have traced: a tracing set-up that quietly exported nothing would
    // make its cost look like none.
    if (shortRuns && otlpSink.exports() === 0)
      throw new Error('contender H exported no spans to the OTLP sink');

    const summary = summarise(rounds, config.contenders);
    const report = buildReport({
      startedAt,
      config,
      workloadDir: benchWorkloadDir(),
      contenders,
      summary,
      rounds,
      shortRuns,
    });
    writeReport(report);
    printReport(report);
  } finally {
    await cleanup();
  }
}

await runBenchmark(main);

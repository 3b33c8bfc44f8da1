#!/usr/bin/env node
// The REST connector benchmark: `node bench/connectors.mjs` after a build (`npm run build:ts`).
// bench/README.md ("REST connectors") describes it.
//
// One query, `{ items(first: 50) { id name stock price } }`, needs 50 Item entities from a connector
// subgraph: `name` comes from a GraphQL subgraph, `stock` and `price` from a REST service. Two connector
// schemas map the same service: batched (`$batch`, one call for all 50 keys) and unbatched (`$this.id`, one
// call per key). The backend (REST service and GraphQL subgraph) runs once, in its own process; each run
// starts `gatehouse serve` fresh with one of the schemas. Any wrong response, error or timeout fails the run
// (exit code 1). Writes bench/results/connectors.json and prints a table to stdout; progress goes to stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { startBackend } from './connectors/backend-process.mjs';
import { readConfig } from './connectors/config.mjs';
import { assertGatewayBuilt, CONTENDERS, GATEWAY_ENV, gatewayArgs } from './connectors/contenders.mjs';
import { QUERY } from './connectors/data.mjs';
import { buildReport, printReport, summarise, writeReport } from './connectors/report.mjs';
import { runContender } from './connectors/run-contender.mjs';
import { stopAllProcesses } from './lib/processes.mjs';
import { log, runBenchmark } from './lib/util.mjs';

async function main() {
  const config = readConfig();
  assertGatewayBuilt();
  const startedAt = new Date();
  const tmpDir = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-connectors-'));
  let cleaning;
  const cleanup = () =>
    (cleaning ??= stopAllProcesses().then(() => rmSync(tmpDir, { recursive: true, force: true })));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup().then(() => process.exit(130));
    });
  }

  try {
    const backend = await startBackend(config);
    log(`backend: ${backend.url} (REST /items, GraphQL /graphql)`);
    log(
      `${config.rounds} round(s) of batched and unbatched; warm-up ${config.warmup} s, ` +
        `measured ${config.duration} s, ${config.connections} connections`,
    );
    const rounds = [];
    for (let roundNumber = 1; roundNumber <= config.rounds; roundNumber++) {
      const order = roundNumber % 2 === 1 ? CONTENDERS : [...CONTENDERS].reverse();
      const runs = [];
      for (const contender of order) {
        runs.push(await runContender({ contender, roundNumber, config, backend, tmpDir }));
      }
      rounds.push(runs);
    }

    const summary = summarise(
      rounds,
      CONTENDERS.map(({ label }) => label),
    );
    const report = buildReport({
      startedAt,
      config,
      query: QUERY,
      contenders: CONTENDERS.map((contender) => ({
        ...contender,
        command: [
          process.execPath,
          ...gatewayArgs(`<tmp>/gatehouse-${contender.label}.yaml`, {
            port: '<port>',
            host: config.host,
          }),
        ],
        env: GATEWAY_ENV,
      })),
      summary,
      rounds,
    });
    writeReport(report);
    printReport(report);
  } finally {
    await cleanup();
  }
}

await runBenchmark(main, 'connectors');

#!/usr/bin/env node
// Starts the four benchmark subgraphs in this process:
//   node dist/bench/subgraphs/main.js [--base-port 5001] [--host 127.0.0.1] [--only accounts,reviews]
//                                     [--supergraph-out FILE] [--no-response-cache]
// Ports are base, base+1, base+2, base+3 for accounts, inventory, products, reviews (the supergraph's order);
// --base-port 0 gives each a free port. When all listen, one JSON line goes to stdout:
//   {"ready":true,"pid":123,"subgraphs":{"accounts":"http://127.0.0.1:5001/graphql",...}}
// Each service also answers GET /__count and POST /__reset. SIGINT/SIGTERM close them.
// --no-response-cache makes every request execute (see BenchSubgraphOptions.responseCache).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  benchSubgraphNames,
  isBenchSubgraphName,
  startBenchSubgraph,
  type BenchSubgraphName,
  type RunningBenchSubgraph,
} from './index.js';
import { readBenchFile, supergraphWithUrls } from './workload.js';

function fail(message: string): never {
  process.stderr.write(`bench-subgraphs: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'base-port': { type: 'string', default: '5001' },
      host: { type: 'string', default: '127.0.0.1' },
      only: { type: 'string' },
      'supergraph-out': { type: 'string' },
      'no-response-cache': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: main.js [--base-port 5001] [--host 127.0.0.1] [--only NAME,...] [--supergraph-out FILE]' +
        ' [--no-response-cache]\n',
    );
    return;
  }
  const basePort = Number(values['base-port']);
  if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65532) fail('--base-port must be 0 to 65532');
  const names: BenchSubgraphName[] = [];
  for (const name of values.only ? values.only.split(',').map((part) => part.trim()) : benchSubgraphNames) {
    if (!isBenchSubgraphName(name))
      fail(`unknown subgraph "${name}"; known: ${benchSubgraphNames.join(', ')}`);
    names.push(name);
  }
  if (values['supergraph-out'] && names.length !== benchSubgraphNames.length) {
    fail('--supergraph-out needs all four subgraphs');
  }

  const running: RunningBenchSubgraph[] = [];
  const closeAll = () => Promise.allSettled(running.map((service) => service.close()));
  try {
    for (const name of names) {
      const port = basePort === 0 ? 0 : basePort + benchSubgraphNames.indexOf(name);
      running.push(
        await startBenchSubgraph(name, {
          port,
          host: values.host,
          responseCache: !values['no-response-cache'],
        }),
      );
    }
  } catch (error) {
    await closeAll();
    fail(error instanceof Error ? error.message : String(error));
  }

  const urls = Object.fromEntries(running.map((service) => [service.name, service.url]));
  if (values['supergraph-out']) {
    writeFileSync(values['supergraph-out'], supergraphWithUrls(readBenchFile('supergraph.graphql'), urls));
  }
  process.stdout.write(
    `${JSON.stringify({ ready: true, pid: process.pid, responseCache: !values['no-response-cache'], subgraphs: urls })}\n`,
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void closeAll().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();

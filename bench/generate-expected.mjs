#!/usr/bin/env node
// Makes bench/expected.json, the body every benchmark response must equal. After `npm run build:ts`:
//   node bench/generate-expected.mjs           # writes bench/expected.json
//   node bench/generate-expected.mjs --check   # exit code 1 if bench/expected.json is not what it would write
//
// The answer comes from plain Apollo: the benchmark subgraphs (dist/bench/subgraphs/main.js, response cache
// off) behind contender A, bench/baseline-gateway.mjs (@apollo/gateway with @apollo/server's standalone
// server). query.graphql is sent twice; both answers must be HTTP 200, the same bytes, compact JSON with data
// and no errors. The file is the body without the newline Apollo Server appends.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { contendersFor, invocation } from './lib/contenders.mjs';
import { freePort, httpRequest } from './lib/http.mjs';
import { describeExit, readyMessage, startProcess, stopAllProcesses } from './lib/processes.mjs';
import { assertSubgraphsBuilt, startSubgraphs } from './lib/subgraphs.mjs';
import { fail, log, ROOT, runBenchmark } from './lib/util.mjs';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const OUTPUT = join(ROOT, 'bench', 'expected.json');

/** Where `actual` first differs from `wanted`, for the failure message. */
function firstDifference(actual, wanted) {
  let at = 0;
  while (at < actual.length && at < wanted.length && actual[at] === wanted[at]) at++;
  return (
    `they differ at character ${at} (${actual.length} bytes, the file has ${wanted.length}):\n` +
    `  file:      …${JSON.stringify(wanted.slice(Math.max(0, at - 60), at + 60))}\n` +
    `  generated: …${JSON.stringify(actual.slice(Math.max(0, at - 60), at + 60))}`
  );
}

/** The answer's body without Apollo Server's trailing newline, after checking that it is a clean answer. */
function expectedFrom({ status, body }) {
  if (status !== 200) fail(`the baseline answered HTTP ${status}: ${body.slice(0, 300)}`);
  if (!body.endsWith('}\n')) fail(`the baseline's answer does not end with "}\\n": …${body.slice(-60)}`);
  const text = body.slice(0, -1);
  const parsed = JSON.parse(text);
  if (parsed.errors !== undefined)
    fail(`the baseline answered with errors: ${JSON.stringify(parsed.errors)}`);
  if (parsed.data === null || typeof parsed.data !== 'object') fail('the baseline answered without data');
  if (JSON.stringify(parsed) !== text) fail("the baseline's answer is not compact JSON");
  return text;
}

async function main() {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } }, strict: true });
  assertSubgraphsBuilt();
  const [baseline] = contendersFor(['A']);
  const { readBenchFile, supergraphWithUrls } = await import(
    pathToFileURL(join(ROOT, 'dist/bench/subgraphs/workload.js')).href
  );
  const requestBody = JSON.stringify({ query: readBenchFile('query.graphql'), operationName: 'TestQuery' });

  const tmp = mkdtempSync(join(os.tmpdir(), 'gatehouse-expected-'));
  try {
    const subgraphs = await startSubgraphs({ subgraphBasePort: 0, host: HOST, subgraphResponseCache: false });
    const supergraphFile = join(tmp, 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraphWithUrls(readBenchFile('supergraph.graphql'), subgraphs.urls));

    const port = await freePort(HOST);
    const { args, env } = invocation(baseline, { supergraphFile, port, host: HOST });
    log(`${baseline.label} (${baseline.description}) on port ${port}`);
    const running = startProcess(baseline.label, baseline.command, args, env);
    const ready = await readyMessage(running, READY_TIMEOUT_MS);
    if (!ready) {
      fail(
        `the baseline did not start (${ready === null ? describeExit(running.exitInfo) : 'no ready line'}):\n` +
          running.outputTail(),
      );
    }

    const url = `http://${HOST}:${port}/graphql`;
    const ask = () =>
      httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody,
      });
    const first = expectedFrom(await ask());
    const second = expectedFrom(await ask());
    if (first !== second) fail(`two answers to the same query differ; ${firstDifference(second, first)}`);

    if (values.check) {
      const wanted = readFileSync(OUTPUT, 'utf8');
      if (first !== wanted) fail(`bench/expected.json is out of date; ${firstDifference(first, wanted)}`);
      log(`bench/expected.json is up to date (${first.length} bytes)`);
    } else {
      writeFileSync(OUTPUT, first);
      log(`wrote bench/expected.json (${first.length} bytes)`);
    }
  } finally {
    await stopAllProcesses();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await runBenchmark(main, 'generate-expected');

#!/usr/bin/env node
// The benchmark harness: `npm run bench` (which builds first), or `node bench/run.mjs` after a build.
//
// Starts the four benchmark subgraphs (dist/bench/subgraphs/main.js) once, then runs the contenders one at
// a time, round by round (A B C, A B C, ...). Each run starts the contender fresh on a free port, waits
// until it answers query.graphql correctly, loads it with autocannon for a warm-up and then for the
// measured window, and stops it. Every response body is checked against expected.json; a mismatch, a
// non-200, a connection error or a timeout fails the whole run (exit code 1).
//
// Environment:
//   BENCH_CONTENDERS   labels to run, comma-separated (default A,B,C)
//   BENCH_ROUNDS       rounds (default 3)
//   BENCH_DURATION     measured seconds per run (default 15)
//   BENCH_WARMUP       warm-up seconds per run (default 5)
//   BENCH_CONNECTIONS  autocannon connections (default 50)
//   BENCH_HOST         host everything listens on (default 127.0.0.1)
//   BENCH_PORT         gateway port (default: a free port per run)
//   BENCH_SUBGRAPH_BASE_PORT  first subgraph port (default 0: free ports)
//   BENCH_READY_TIMEOUT       seconds to wait for a contender to answer correctly (default 60)
//   BENCH_SUBGRAPH_RESPONSE_CACHE=0  make the subgraphs execute every request (default: cached by body)
//   BENCH_SHARED_DIR   the workload folder (default ../shared/bench from the repository root)
//
// Writes bench/results/latest.json (and a timestamped copy) and prints a table to stdout; progress goes to
// stderr.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUBGRAPHS_MAIN = 'dist/bench/subgraphs/main.js';
const GATEHOUSE_CLI = 'dist/src/cli/main.js';
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const SEQUENTIAL_PROBES = 5;

/**
 * A contender: `command args` run from the repository root with `env` added to the common environment.
 * `{supergraph}`, `{port}` and `{host}` in args are replaced; `requires` are files (from the repository
 * root) that must exist.
 */
const CONTENDERS = [
  {
    label: 'A',
    name: 'apollo-gateway',
    description: '@apollo/gateway + @apollo/server 5 standalone, 1 process (baseline)',
    command: process.execPath,
    args: [
      'bench/baseline-gateway.mjs',
      '--supergraph',
      '{supergraph}',
      '--port',
      '{port}',
      '--host',
      '{host}',
    ],
    env: {},
    requires: ['bench/baseline-gateway.mjs'],
  },
  {
    label: 'B',
    name: 'gatehouse-workers-1',
    description: 'gatehouse serve --stage prod --workers 1',
    command: process.execPath,
    args: gatehouseArgs(1),
    env: {},
    requires: [GATEHOUSE_CLI],
  },
  {
    label: 'C',
    name: 'gatehouse-workers-2',
    description: 'gatehouse serve --stage prod --workers 2',
    command: process.execPath,
    args: gatehouseArgs(2),
    env: {},
    requires: [GATEHOUSE_CLI],
  },
];

function gatehouseArgs(workers) {
  return [
    GATEHOUSE_CLI,
    'serve',
    '--supergraph',
    '{supergraph}',
    '--port',
    '{port}',
    '--host',
    '{host}',
    '--stage',
    'prod',
    '--workers',
    String(workers),
  ];
}

/** Added to every contender's environment. */
const COMMON_ENV = { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' };

class BenchError extends Error {}

function fail(message) {
  throw new BenchError(message);
}

function numberEnv(name, fallback, { min = 0, integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(`${name}=${raw}: expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

function readConfig() {
  const labels = (process.env.BENCH_CONTENDERS ?? 'A,B,C')
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
  const known = new Set(CONTENDERS.map((contender) => contender.label));
  const unknown = labels.filter((label) => !known.has(label));
  if (labels.length === 0 || unknown.length > 0) {
    fail(`BENCH_CONTENDERS: unknown ${unknown.join(', ') || '(empty)'}; known: ${[...known].join(', ')}`);
  }
  return {
    contenders: labels,
    rounds: numberEnv('BENCH_ROUNDS', 3, { min: 1, integer: true }),
    duration: numberEnv('BENCH_DURATION', 15, { min: 1, integer: true }),
    warmup: numberEnv('BENCH_WARMUP', 5, { min: 0, integer: true }),
    connections: numberEnv('BENCH_CONNECTIONS', 50, { min: 1, integer: true }),
    host: process.env.BENCH_HOST || '127.0.0.1',
    port: numberEnv('BENCH_PORT', 0, { min: 0, integer: true }),
    subgraphBasePort: numberEnv('BENCH_SUBGRAPH_BASE_PORT', 0, { min: 0, integer: true }),
    readyTimeoutSec: numberEnv('BENCH_READY_TIMEOUT', 60, { min: 1 }),
    subgraphResponseCache: process.env.BENCH_SUBGRAPH_RESPONSE_CACHE !== '0',
    rssSampleMs: 100,
  };
}

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// /proc: process trees, CPU time and RSS

const CLK_TCK = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

/** { ppid, ticks: utime + stime } of a live process, or null. */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after "pid (comm) ": state is field 3, ppid 4, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** The live pids of `rootPid` and all its descendants, root first, with their stats. */
function processTree(rootPid) {
  const stats = new Map();
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const tree = new Map();
  if (!stats.has(rootPid)) return tree;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    tree.set(pid, stats.get(pid));
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return tree;
}

/** CPU ticks per pid of a process tree. */
function cpuSnapshot(rootPid) {
  return new Map([...processTree(rootPid)].map(([pid, stat]) => [pid, stat.ticks]));
}

/** CPU milliseconds a tree used between two snapshots (processes born in between count from 0). */
function cpuMsBetween(before, after) {
  let ticks = 0;
  for (const [pid, end] of after) ticks += end - (before.get(pid) ?? 0);
  return (ticks * 1000) / CLK_TCK;
}

function rssKiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Samples the summed VmRSS of a process tree every `intervalMs`; the tree is re-read every second. */
function startRssSampler(rootPid, intervalMs) {
  let pids = [...processTree(rootPid).keys()];
  let ticks = 0;
  let peakTotal = 0;
  const peakByPid = new Map();
  const sample = () => {
    if (ticks++ % Math.max(1, Math.round(1000 / intervalMs)) === 0) pids = [...processTree(rootPid).keys()];
    let total = 0;
    for (const pid of pids) {
      const kib = rssKiB(pid);
      total += kib;
      if (kib > (peakByPid.get(pid) ?? 0)) peakByPid.set(pid, kib);
    }
    if (total > peakTotal) peakTotal = total;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const processes = [...peakByPid].map(([pid, kib]) => ({
        pid,
        role: pid === rootPid ? 'main' : 'child',
        peakRssMiB: round(kib / 1024, 1),
      }));
      const children = processes.filter((process) => process.role === 'child');
      // With child processes (cluster workers), the workers are the children; otherwise the main process.
      const workers = children.length > 0 ? children : processes;
      return {
        peakRssMiB: round(peakTotal / 1024, 1),
        peakRssPerWorkerMiB: workers.map((worker) => worker.peakRssMiB),
        processes,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Processes

/** Processes this harness started and that have not exited yet. */
const liveProcesses = new Set();
process.on('exit', () => {
  for (const running of liveProcesses) running.child.kill('SIGKILL');
});

function startProcess(label, command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const lineListeners = [];
  let pending = '';
  const onData = (chunk) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-8000);
    pending += text;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      for (const listener of lineListeners) listener(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  });
  let exitInfo = null;
  const exited = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolveExit(exitInfo);
    });
    child.once('error', (error) => {
      exitInfo = { code: null, signal: null, error: error.message };
      resolveExit(exitInfo);
    });
  });
  const running = {
    label,
    child,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    outputTail: () => output.trim().split('\n').slice(-25).join('\n'),
    onLine: (listener) => lineListeners.push(listener),
  };
  liveProcesses.add(running);
  void exited.then(() => liveProcesses.delete(running));
  return running;
}

function describeExit(info) {
  if (!info) return 'running';
  if (info.error) return `failed to start: ${info.error}`;
  return info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`;
}

/** SIGTERM, then SIGKILL after 10 s; leftover descendants are killed by pid. */
async function stopProcess(running) {
  if (!running || running.exitInfo) return;
  const descendants = [...processTree(running.child.pid).keys()].filter((pid) => pid !== running.child.pid);
  running.child.kill('SIGTERM');
  const killTimer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await running.exited;
  clearTimeout(killTimer);
  const deadline = Date.now() + 5_000;
  while (descendants.some((pid) => readStat(pid)) && Date.now() < deadline) await sleep(100);
  for (const pid of descendants) {
    if (!readStat(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function sleep(ms) {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

function freePort(host) {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** One HTTP request without keep-alive: { status, body }. */
function httpRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  return new Promise((resolveRequest, reject) => {
    const request = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolveRequest({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Subgraphs

async function startSubgraphs(config) {
  const running = startProcess('subgraphs', process.execPath, [
    SUBGRAPHS_MAIN,
    '--base-port',
    String(config.subgraphBasePort),
    '--host',
    config.host,
    ...(config.subgraphResponseCache ? [] : ['--no-response-cache']),
  ]);
  let readyTimer;
  const ready = await Promise.race([
    new Promise((resolveReady) =>
      running.onLine((line) => {
        try {
          const message = JSON.parse(line);
          if (message && message.ready) resolveReady(message);
        } catch {
          // not the ready line
        }
      }),
    ),
    running.exited.then(() => null),
    new Promise((resolveTimeout) => {
      readyTimer = setTimeout(() => resolveTimeout(undefined), 30_000);
    }),
  ]);
  clearTimeout(readyTimer);
  if (!ready) {
    await stopProcess(running);
    fail(
      `the subgraphs did not start (${ready === null ? describeExit(running.exitInfo) : 'no ready line after 30 s'}):\n${running.outputTail()}`,
    );
  }
  const urls = ready.subgraphs;
  const base = (url) => url.replace(/\/graphql$/, '');
  return {
    running,
    urls,
    async reset() {
      await Promise.all(
        Object.values(urls).map(async (url) => {
          const { status } = await httpRequest(`${base(url)}/__reset`, { method: 'POST' });
          if (status !== 200) fail(`POST ${base(url)}/__reset answered ${status}`);
        }),
      );
    },
    async counts() {
      const entries = await Promise.all(
        Object.entries(urls).map(async ([name, url]) => {
          const { status, body } = await httpRequest(`${base(url)}/__count`);
          if (status !== 200) fail(`GET ${base(url)}/__count answered ${status}`);
          return [name, JSON.parse(body).count];
        }),
      );
      return Object.fromEntries(entries);
    },
    /** Waits until the subgraphs have received no request for 500 ms: the gateway has drained. */
    async quiesce(label) {
      const deadline = Date.now() + 60_000;
      let previous = total(await this.counts());
      let stableSince = Date.now();
      while (Date.now() - stableSince < 500) {
        if (Date.now() > deadline)
          fail(`contender ${label} kept calling the subgraphs for 60 s without load`);
        await sleep(100);
        const current = total(await this.counts());
        if (current !== previous) {
          previous = current;
          stableSince = Date.now();
        }
      }
    },
  };
}

function total(counts) {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Correctness

function makeChecker(expected) {
  // Apollo Server appends a newline to its JSON; accept the body with or without it.
  const accepted = new Set([expected, `${expected}\n`]);
  return (status, body) => {
    if (status !== 200) return `HTTP ${status}: ${String(body).slice(0, 300)}`;
    if (accepted.has(body)) return null;
    const text = String(body);
    let at = 0;
    while (at < text.length && at < expected.length && text[at] === expected[at]) at++;
    return (
      `the body differs from expected.json at character ${at} (got ${text.length} bytes, expected ${expected.length}):\n` +
      `  expected: …${JSON.stringify(expected.slice(Math.max(0, at - 60), at + 60))}\n` +
      `  got:      …${JSON.stringify(text.slice(Math.max(0, at - 60), at + 60))}`
    );
  };
}

async function waitUntilCorrect(running, url, requestBody, check, timeoutSec) {
  const deadline = Date.now() + timeoutSec * 1000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (running.exitInfo) {
      fail(
        `contender ${running.label} ${describeExit(running.exitInfo)} before it was ready:\n${running.outputTail()}`,
      );
    }
    try {
      const { status, body } = await httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody,
      });
      const problem = check(status, body);
      if (!problem) return;
      // Not ready yet (e.g. 503, or 200 with only errors, while loading the supergraph): retry until the
      // deadline. A 200 with data that is not expected.json fails at once.
      last = problem;
      if (status === 200 && !body.startsWith('{"errors"')) {
        fail(`contender ${running.label} answered the first query wrongly: ${problem}`);
      }
    } catch (error) {
      if (error instanceof BenchError) throw error;
      last = error.message;
    }
    await sleep(200);
  }
  fail(
    `contender ${running.label} did not answer correctly within ${timeoutSec} s (last: ${last}):\n${running.outputTail()}`,
  );
}

/** An autocannon run; every response goes through `check`, and the first failure stops the run. */
function load({ url, duration, connections, requestBody, check }) {
  return new Promise((resolveLoad, reject) => {
    let failure = null;
    let checked = 0;
    const instance = autocannon(
      {
        url,
        connections,
        duration,
        pipelining: 1,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json' },
            body: requestBody,
            onResponse(status, body) {
              checked++;
              if (failure) return;
              const problem = check(status, body);
              if (problem) {
                failure = problem;
                instance.stop();
              }
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolveLoad({ result, failure, checked })),
    );
  });
}

function assertCleanLoad(label, phase, { result, failure, checked }) {
  if (failure) fail(`contender ${label}, ${phase}: ${failure}`);
  const problems = [];
  if (result.errors) problems.push(`${result.errors} errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  if (result.non2xx) problems.push(`${result.non2xx} non-2xx responses`);
  if (result.mismatches) problems.push(`${result.mismatches} mismatched bodies`);
  if (checked < result.requests.total)
    problems.push(`${result.requests.total - checked} unchecked responses`);
  if (result.requests.total === 0) problems.push('no responses at all');
  if (problems.length > 0) fail(`contender ${label}, ${phase}: ${problems.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------------------
// A run: one contender, one round

async function runContender({
  contender,
  roundNumber,
  config,
  subgraphs,
  supergraphFile,
  requestBody,
  check,
}) {
  const port = config.port || (await freePort(config.host));
  const substitute = (arg) =>
    arg
      .replaceAll('{supergraph}', supergraphFile)
      .replaceAll('{port}', String(port))
      .replaceAll('{host}', config.host);
  const args = contender.args.map(substitute);
  const env = { ...process.env, ...COMMON_ENV, ...contender.env };
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`;

  log(`round ${roundNumber}, ${contender.label} (${contender.name}): starting on port ${port}`);
  const running = startProcess(contender.label, contender.command, args, env);
  const sampler = startRssSampler(running.child.pid, config.rssSampleMs);
  try {
    const startedAt = Date.now();
    await waitUntilCorrect(running, url, requestBody, check, config.readyTimeoutSec);
    const readyMs = Date.now() - startedAt;

    let warmup = null;
    if (config.warmup > 0) {
      const run = await load({
        url,
        duration: config.warmup,
        connections: config.connections,
        requestBody,
        check,
      });
      assertCleanLoad(contender.label, 'warm-up', run);
      warmup = {
        requests: run.result.requests.total,
        rps: round(run.result.requests.total / run.result.duration, 1),
      };
    }

    // Let the warm-up's abandoned requests finish, so that their subgraph calls and CPU stay out of the window.
    await subgraphs.quiesce(contender.label);
    await subgraphs.reset();
    const gatewayBefore = cpuSnapshot(running.child.pid);
    const subgraphsBefore = cpuSnapshot(subgraphs.running.child.pid);
    const harnessBefore = process.cpuUsage();
    const run = await load({
      url,
      duration: config.duration,
      connections: config.connections,
      requestBody,
      check,
    });
    const harnessCpu = process.cpuUsage(harnessBefore);
    const gatewayAfter = cpuSnapshot(running.child.pid);
    const subgraphsAfter = cpuSnapshot(subgraphs.running.child.pid);
    assertCleanLoad(contender.label, 'measured window', run);
    // Requests in flight when the window closed still run to completion at the gateway: count their subgraph
    // calls, and divide by the requests sent rather than those completed.
    await subgraphs.quiesce(contender.label);
    const subgraphCounts = await subgraphs.counts();
    const sent = Math.max(run.result.requests.sent, run.result.requests.total);

    // The exact figure: subgraph calls of single requests sent one after the other.
    await subgraphs.reset();
    for (let probe = 0; probe < SEQUENTIAL_PROBES; probe++) {
      const { status, body } = await httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody,
      });
      const problem = check(status, body);
      if (problem) fail(`contender ${contender.label}, sequential probe: ${problem}`);
    }
    const sequentialSubgraphRequests = total(await subgraphs.counts()) / SEQUENTIAL_PROBES;
    if (running.exitInfo)
      fail(`contender ${contender.label} ${describeExit(running.exitInfo)} during the run`);

    const { result } = run;
    const requests = result.requests.total;
    const windowMs = result.duration * 1000;
    const gatewayCpuMs = cpuMsBetween(gatewayBefore, gatewayAfter);
    const subgraphCpuMs = cpuMsBetween(subgraphsBefore, subgraphsAfter);
    const subgraphRequests = total(subgraphCounts);
    const rss = sampler.stop();
    const figures = {
      label: contender.label,
      round: roundNumber,
      port,
      readyMs,
      requests,
      durationSec: result.duration,
      rps: round(requests / result.duration, 1),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      meanLatencyMs: result.latency.average,
      maxLatencyMs: result.latency.max,
      cpuMsPerRequest: round(gatewayCpuMs / requests, 3),
      gatewayCpuPercent: round((gatewayCpuMs / windowMs) * 100, 1),
      requestsSent: sent,
      subgraphRequestsPerRequest: round(subgraphRequests / sent, 3),
      subgraphRequestsPerRequestSequential: round(sequentialSubgraphRequests, 3),
      subgraphRequestsByName: subgraphCounts,
      subgraphCpuMsPerRequest: round(subgraphCpuMs / requests, 3),
      subgraphCpuPercent: round((subgraphCpuMs / windowMs) * 100, 1),
      harnessCpuPercent: round(((harnessCpu.user + harnessCpu.system) / 1000 / windowMs) * 100, 1),
      peakRssMiB: rss.peakRssMiB,
      peakRssPerWorkerMiB: rss.peakRssPerWorkerMiB,
      processes: rss.processes,
      warmup,
    };
    log(
      `round ${roundNumber}, ${contender.label}: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ` +
        `${figures.cpuMsPerRequest} CPU ms/req, ${figures.subgraphRequestsPerRequest} subgraph req/req, ` +
        `peak RSS ${figures.peakRssMiB} MiB`,
    );
    return figures;
  } finally {
    sampler.stop();
    await stopProcess(running);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Summary

const METRICS = [
  ['rps', 'req/s'],
  ['p50Ms', 'p50 ms'],
  ['p99Ms', 'p99 ms'],
  ['cpuMsPerRequest', 'CPU ms/req'],
  ['subgraphRequestsPerRequest', 'subgraph req/req'],
  ['peakRssMiB', 'peak RSS MiB'],
];

function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarise(rounds, labels) {
  const summary = {};
  for (const label of labels) {
    const runs = rounds.map((runsOfRound) => runsOfRound.find((run) => run.label === label)).filter(Boolean);
    const medians = {};
    for (const [metric] of METRICS) medians[metric] = median(runs.map((run) => run[metric]));
    medians.maxPeakRssPerWorkerMiB = median(runs.map((run) => Math.max(...run.peakRssPerWorkerMiB)));
    medians.subgraphCpuMsPerRequest = median(runs.map((run) => run.subgraphCpuMsPerRequest));
    let ratiosVsA = null;
    if (labels.includes('A')) {
      ratiosVsA = {};
      for (const [metric] of METRICS) {
        const ratios = rounds.map((runsOfRound) => {
          const run = runsOfRound.find((candidate) => candidate.label === label);
          const baseline = runsOfRound.find((candidate) => candidate.label === 'A');
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

function formatTable(summary, labels, contenders) {
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
  const rows = labels.map((label) => {
    const { medians, ratiosVsA } = summary[label];
    const contender = contenders.find((candidate) => candidate.label === label);
    return [
      `${label} ${contender.name}`,
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

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const config = readConfig();
  const contenders = config.contenders.map((label) =>
    CONTENDERS.find((contender) => contender.label === label),
  );

  if (!existsSync(join(ROOT, SUBGRAPHS_MAIN)))
    fail(`${SUBGRAPHS_MAIN} is missing: run \`npm run build\` first`);
  for (const contender of contenders) {
    for (const file of contender.requires) {
      if (!existsSync(join(ROOT, file))) {
        fail(
          `contender ${contender.label} (${contender.name}) needs ${file}, which does not exist. ` +
            'Build it (`npm run build`), or leave the contender out, e.g. BENCH_CONTENDERS=A.',
        );
      }
    }
  }

  const { readBenchFile, sharedBenchDir, supergraphWithUrls } = await import(
    pathToFileURL(join(ROOT, 'dist/bench/subgraphs/workload.js')).href
  );
  const query = readBenchFile('query.graphql');
  const expected = readBenchFile('expected.json');
  const requestBody = JSON.stringify({ query, operationName: 'TestQuery' });
  const check = makeChecker(expected);

  const startedAt = new Date();
  const tmp = mkdtempSync(join(os.tmpdir(), 'gatehouse-bench-'));
  let subgraphs;
  const cleanup = async () => {
    await Promise.all([...liveProcesses].map((running) => stopProcess(running)));
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    log('interrupted');
    void cleanup().then(() => process.exit(130));
  });

  try {
    subgraphs = await startSubgraphs(config);
    const supergraphFile = join(tmp, 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraphWithUrls(readBenchFile('supergraph.graphql'), subgraphs.urls));
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
          await runContender({
            contender,
            roundNumber,
            config,
            subgraphs,
            supergraphFile,
            requestBody,
            check,
          }),
        );
      }
      rounds.push(runs);
    }

    const summary = summarise(rounds, config.contenders);
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      config: { ...config, clockTicksPerSecond: CLK_TCK, sharedDir: sharedBenchDir(), commonEnv: COMMON_ENV },
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
      notes: [
        'Ratios are computed against A within each round, then the median over rounds is taken.',
        'CPU ms/req: utime+stime delta of the contender process tree over the measured window / responses.',
        'Peak RSS: summed VmRSS of the contender process tree, sampled every 100 ms from start to the end of the measured window.',
        'Subgraph req/req: requests the subgraphs received from the start of the measured window until the gateway drained / requests sent; subgraphRequestsPerRequestSequential: the same for single requests sent one after the other.',
        'The gateway is idle (subgraphs quiet for 500 ms) when the measured window starts.',
      ],
      summary,
      rounds,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
    writeFileSync(join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), json);

    process.stdout.write(
      `\nMedians over ${config.rounds} round(s); ${config.duration} s measured after ${config.warmup} s warm-up, ` +
        `${config.connections} connections, ${os.cpus().length} CPUs, Node ${process.version}\n\n`,
    );
    process.stdout.write(`${formatTable(summary, config.contenders, contenders)}\n\n`);
    process.stdout.write(`Written to ${join('bench', 'results', 'latest.json')}\n`);
  } finally {
    await cleanup();
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(
    `\n[bench] FAILED: ${error instanceof BenchError ? error.message : (error?.stack ?? error)}\n`,
  );
  process.exitCode = 1;
}

#!/usr/bin/env node
// The access-log line's CPU cost: `node bench/access-log.mjs [rounds]` after a build (`npm run build:ts`).
//
// The access log runs on every request, so its line is measured on its own: the plugin's response hook
// is called for one request (three subgraph calls, an authenticated caller, a client name) with the
// gateway's logger (ISO times, redaction serializers) writing into a buffered /dev/null destination,
// as it writes into stdout. The baseline, in the same run, is the five-field line the gateway wrote
// before (method, path, status, duration, operation name) with pino's default logger. Prints the
// median CPU nanoseconds per line of each over the rounds, and their ratio.
import { existsSync } from 'node:fs';
import { pino } from 'pino';

const DIST = new URL('../dist/src/', import.meta.url);
if (!existsSync(new URL('telemetry/access-log.js', DIST))) {
  process.stderr.write('bench/access-log.mjs: build first (npm run build:ts)\n');
  process.exit(1);
}
const { useAccessLog } = await import(new URL('telemetry/access-log.js', DIST).href);
const { loggerOptions } = await import(new URL('pipeline/logger.js', DIST).href);
const { resolveConfig } = await import(new URL('config/load.js', DIST).href);

const LINES = 300_000;
const rounds = Number(process.argv[2] ?? 7);
const destination = () => pino.destination({ dest: '/dev/null', sync: true, minLength: 8192 });
const config = resolveConfig({ subgraphs: [] }, { env: {} });
const gatewayLogger = pino(loggerOptions(config), destination());
const baselineLogger = pino({ level: 'info', base: { service: 'gatehouse', stage: 'dev' } }, destination());

function request(logger) {
  return {
    method: 'POST',
    url: '/graphql',
    ip: '203.0.113.7',
    headers: { 'apollographql-client-name': 'web-shop', 'apollographql-client-version': '1.4.2' },
    body: { query: '{ me { id } }', operationName: 'Me' },
    log: logger.child({ requestId: '4ca99eb1-3e14-4a59-ad7b-baef493237e6' }),
    operationName: 'Me',
    principal: { kind: 'authenticated', subject: 'user-42' },
    observation: {
      operationName: 'Me',
      operationHash: 'c5aa319860423cdd65c4572967c0e0ade265376a7149f3a64c6f02c771626cf4',
      operationType: 'query',
      errorCodes: [],
      subgraphCalls: [
        { subgraph: 'accounts', durationMs: 3.1234 },
        { subgraph: 'products', durationMs: 4.5678 },
        { subgraph: 'reviews', durationMs: 2.2222, deduplicated: true },
      ],
    },
  };
}
const reply = { statusCode: 200, elapsedTime: 12.3456 };
const done = () => {};

/** The line the gateway wrote before issue 11, for the baseline. */
function baselineHook(req, res, next) {
  const query = req.url.indexOf('?');
  req.log.info(
    {
      method: req.method,
      path: query < 0 ? req.url : req.url.slice(0, query),
      status: res.statusCode,
      durationMs: Math.round(res.elapsedTime * 100) / 100,
      operationName: req.operationName,
    },
    'request',
  );
  next();
}

/** CPU nanoseconds per line. */
function measure(hook, req) {
  for (let i = 0; i < 20_000; i++) hook(req, reply, done);
  const start = process.cpuUsage();
  for (let i = 0; i < LINES; i++) hook(req, reply, done);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / LINES;
}

const gatewayHook = useAccessLog({ subject: true, details: false }).edge.onResponse;
const results = { baseline: [], accessLog: [] };
for (let round = 0; round < rounds; round++) {
  results.baseline.push(measure(baselineHook, request(baselineLogger)));
  results.accessLog.push(measure(gatewayHook, request(gatewayLogger)));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = median(results.baseline);
const accessLog = median(results.accessLog);
process.stdout.write(
  [
    `| line | CPU per line (median of ${rounds} × ${LINES.toLocaleString('en')}) |`,
    '|---|---|',
    `| before issue 11: 5 fields, epoch time | ${(baseline / 1000).toFixed(2)} µs |`,
    `| access log: the full line, 3 subgraph calls, ISO time, redaction | ${(accessLog / 1000).toFixed(2)} µs (${(accessLog / baseline).toFixed(2)}×) |`,
    '',
  ].join('\n'),
);

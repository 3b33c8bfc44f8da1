// The contenders: what each label runs, and how its command line and environment are made.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fail, ROOT } from './util.mjs';

const SUPERGRAPH_ARGS = ['--supergraph', '{supergraph}'];
const LISTEN_ARGS = [...SUPERGRAPH_ARGS, '--port', '{port}', '--host', '{host}'];

/** Added to every contender's environment. */
export const COMMON_ENV = { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' };

/**
 * `node args` run from the repository root; args[0] is the script, which must exist. `{supergraph}`,
 * `{port}` and `{host}` in args are replaced for each run, and `{dir}` by the run's temporary
 * directory, where `files` (name → text, `{url:NAME}` replaced by subgraph NAME's URL) are written;
 * `freshDir`, a folder there, is removed before each start; `env` is added to the common environment.
 * The load sends `requestHeaders` with every request, and every response must carry `responseHeaders`.
 */
function contender(
  label,
  name,
  description,
  args,
  { files = {}, freshDir, requestHeaders = {}, responseHeaders = {} } = {},
) {
  return {
    label,
    name,
    description,
    command: process.execPath,
    args,
    env: {},
    files,
    freshDir,
    requestHeaders,
    responseHeaders,
  };
}

/**
 * Gatehouse with `workers` workers, and `config` (YAML) as its config file when given. With
 * `followsRegistry`, the config says where the supergraph comes from, so no `--supergraph` flag.
 */
function gatehouse(
  label,
  workers,
  { config, suffix = '', followsRegistry = false, freshDir, requestHeaders, responseHeaders } = {},
) {
  const configFile = `${label}.gatehouse.yaml`;
  const configText = config?.trim();
  return contender(
    label,
    `gatehouse-workers-${workers}${suffix}`,
    `gatehouse serve --stage prod --workers ${workers}${config ? `, config: ${configText.split('\n').join('; ')}` : ''}`,
    [
      'dist/src/cli/main.js',
      'serve',
      ...(config ? ['--config', `{dir}/${configFile}`] : []),
      ...(followsRegistry ? LISTEN_ARGS.slice(SUPERGRAPH_ARGS.length) : LISTEN_ARGS),
      '--stage',
      'prod',
      '--workers',
      String(workers),
    ],
    {
      files: config ? { [configFile]: `${configText}\n` } : {},
      freshDir,
      requestHeaders,
      responseHeaders,
    },
  );
}

const CORS_ORIGIN = 'https://app.example.com';
/**
 * Where L keeps its counters: the Redis at BENCH_REDIS_URL (`{url:redis}`), under a prefix of its own
 * for this bench, so that no earlier run's counters (or another gateway's keys) are read. The keys
 * expire by themselves (a day after the period at most).
 */
const BENCH_REDIS_PREFIX = `gatehouse-bench:${process.pid}-${Date.now()}:`;
/**
 * K's and L's plan: a rate, a quota and a cost budget, all far above what the load sends (a refusal
 * would fail the run), so that every request pays for the checks and the cost charge, never a 429.
 * Every request of the load comes from one address: one caller, one set of counters, as the
 * heaviest customer would be.
 */
const TRAFFIC_PLAN = `traffic:
  defaultPlan: bench
  plans: { bench: { rate: 1000000/s, quota: 1000000000000/day, cost: 1000000000000/day } }`;
/** The benchmark's subgraphs, as dist/bench/subgraphs/main.js names them. */
const BENCH_SUBGRAPHS = ['accounts', 'inventory', 'products', 'reviews'];

export const CONTENDERS = [
  contender('A', 'apollo-gateway', '@apollo/gateway + @apollo/server 5 standalone, 1 process (baseline)', [
    'bench/baseline-gateway.mjs',
    ...LISTEN_ARGS,
  ]),
  gatehouse('B', 1),
  gatehouse('C', 2),
  // B without in-flight de-duplication: what sharing identical concurrent subgraph calls saves.
  gatehouse('D', 1, { config: 'transport: { dedupeInflight: false }', suffix: '-no-dedupe' }),
  // D with every optional plugin on, the subgraphs healthy: what retries, the circuit breaker, header
  // rules, CORS and usage reporting cost. The load sends an allowed Origin and the header the
  // propagate rule sends on, and every response must carry CORS's allow-origin header. Usage reporting
  // is on when the gateway follows a registry, so E follows its embedded one, on a SQLite store made
  // afresh for each run; the `subgraphs` (the running benchmark subgraphs) seed its empty stage.
  gatehouse('E', 1, {
    config: `
transport: { dedupeInflight: false, retries: { all: { enabled: true } }, circuitBreaker: { all: { enabled: true } } }
headers: { all: [{ propagate: { named: x-request-id } }, { insert: { name: x-gateway, value: gatehouse } }] }
cors: { origins: ['${CORS_ORIGIN}'] }
supergraph: { registry: embedded }
registry: { embedded: true }
store: { sqlite: E-store/gatehouse.sqlite }
subgraphs: [${BENCH_SUBGRAPHS.map((name) => `{ name: ${name}, url: '{url:${name}}' }`).join(', ')}]`,
    suffix: '-no-dedupe-plugins',
    followsRegistry: true,
    freshDir: 'E-store',
    requestHeaders: { origin: CORS_ORIGIN, 'x-request-id': 'bench' },
    responseHeaders: { 'access-control-allow-origin': CORS_ORIGIN },
  }),
  // Telemetry's cost, against D (whose defaults serve metrics and feed the dashboard): F with both
  // off, G with metrics only, H with metrics and every request traced, exported over OTLP to a sink
  // that the bench runs (bench/lib/otlp-sink.mjs). The access log is on in all of them, as in D.
  gatehouse('F', 1, {
    config: `transport: { dedupeInflight: false }
telemetry: { metrics: { enabled: false }, dashboard: { enabled: false } }`,
    suffix: '-no-dedupe-telemetry-off',
  }),
  gatehouse('G', 1, {
    config: `transport: { dedupeInflight: false }
telemetry: { dashboard: { enabled: false } }`,
    suffix: '-no-dedupe-metrics-only',
  }),
  gatehouse('H', 1, {
    config: `transport: { dedupeInflight: false }
telemetry: { dashboard: { enabled: false }, tracing: { enabled: true, endpoint: '{url:otlp}', protocol: http/protobuf, sampleRatio: 1 } }`,
    suffix: '-no-dedupe-metrics-traced',
  }),
  // The protections' cost (issue 12), as D is configured otherwise: I with every one off (operation
  // limits, demand control, APQ, introspection access), J with the `prod` defaults (as D, run right
  // after I so that both see the same machine).
  gatehouse('I', 1, {
    config: `transport: { dedupeInflight: false }
introspection: true
security: { limits: { mode: off }, cost: { mode: off }, apq: { enabled: false } }`,
    suffix: '-no-dedupe-protections-off',
  }),
  gatehouse('J', 1, {
    config: 'transport: { dedupeInflight: false }',
    suffix: '-no-dedupe-protections-default',
  }),
  // Traffic control's cost (issue 13), against J (no limits): a usage plan with a rate, a quota and
  // a cost budget (charged with each response's actual cost) on the memory store (K), and on Redis
  // (L, one atomic script per request over the network).
  gatehouse('K', 1, {
    config: `transport: { dedupeInflight: false }
${TRAFFIC_PLAN}`,
    suffix: '-no-dedupe-traffic-memory',
  }),
  gatehouse('L', 1, {
    config: `transport: { dedupeInflight: false }
redis: { url: '{url:redis}', keyPrefix: '${BENCH_REDIS_PREFIX}' }
${TRAFFIC_PLAN}
  store: redis`,
    suffix: '-no-dedupe-traffic-redis',
  }),
];

/**
 * Writes the contenders' files into the run's temporary directory (`{dir}` in their arguments), with
 * `{url:NAME}` replaced by `subgraphUrls[NAME]`.
 */
export function writeContenderFiles(contenders, dir, subgraphUrls) {
  const substitute = (text) =>
    text.replaceAll(/\{url:([a-z]+)\}/g, (reference, name) => {
      if (subgraphUrls[name] === undefined) fail(`contender file: no subgraph named ${name} (${reference})`);
      return subgraphUrls[name];
    });
  for (const { files } of contenders) {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), substitute(text));
  }
}

/** Removes the contender's `freshDir` (its state from an earlier run) from the run's directory. */
export function clearFreshDir(contender, dir) {
  if (contender.freshDir !== undefined)
    rmSync(join(dir, contender.freshDir), { recursive: true, force: true });
}

/** The contenders with these labels, each checked to have its script built. */
export function contendersFor(labels) {
  return labels.map((label) => {
    const found = CONTENDERS.find((candidate) => candidate.label === label);
    const script = found.args[0];
    if (!existsSync(join(ROOT, script))) {
      fail(
        `contender ${found.label} (${found.name}) needs ${script}, which does not exist. ` +
          'Build it (`npm run build`), or leave the contender out, e.g. BENCH_CONTENDERS=A.',
      );
    }
    return found;
  });
}

/** The command line and environment of one run. */
export function invocation(contender, { supergraphFile, port, host }) {
  const substitute = (arg) =>
    arg
      .replaceAll('{supergraph}', supergraphFile)
      .replaceAll('{port}', String(port))
      .replaceAll('{host}', host)
      .replaceAll('{dir}', dirname(supergraphFile));
  return {
    args: contender.args.map(substitute),
    env: { ...process.env, ...COMMON_ENV, ...contender.env },
  };
}

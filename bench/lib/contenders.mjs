// The contenders: what each label runs, and how its command line and environment are made.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ROOT } from './util.mjs';

const LISTEN_ARGS = ['--supergraph', '{supergraph}', '--port', '{port}', '--host', '{host}'];

/** Added to every contender's environment. */
export const COMMON_ENV = { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' };

/**
 * `node args` run from the repository root; args[0] is the script, which must exist. `{supergraph}`,
 * `{port}` and `{host}` in args are replaced for each run; `env` is added to the common environment.
 */
function contender(label, name, description, args) {
  return { label, name, description, command: process.execPath, args, env: {} };
}

function gatehouse(label, workers) {
  return contender(
    label,
    `gatehouse-workers-${workers}`,
    `gatehouse serve --stage prod --workers ${workers}`,
    ['dist/src/cli/main.js', 'serve', ...LISTEN_ARGS, '--stage', 'prod', '--workers', String(workers)],
  );
}

export const CONTENDERS = [
  contender('A', 'apollo-gateway', '@apollo/gateway + @apollo/server 5 standalone, 1 process (baseline)', [
    'bench/baseline-gateway.mjs',
    ...LISTEN_ARGS,
  ]),
  gatehouse('B', 1),
  gatehouse('C', 2),
];

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
      .replaceAll('{host}', host);
  return {
    args: contender.args.map(substitute),
    env: { ...process.env, ...COMMON_ENV, ...contender.env },
  };
}

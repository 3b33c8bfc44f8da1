import cluster from 'node:cluster';
import { fork } from 'node:child_process';
import { constants } from 'node:os';
import type { GatehouseConfig } from '../config/load.js';
import { availableCpus } from '../server/available-cpus.js';
import { workerExecArgv } from '../server/heap-flags.js';
import { configFromFlags, SERVE_VARIABLES, type ServeFlags } from './config-options.js';
import { reloadOnHangup, stopOnSignals } from './output.js';

// The gateway's modules are imported only by the process that serves: a process that only starts
// or supervises others stays small.

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const config = await configFromFlags(flags, { variables: SERVE_VARIABLES });
  if (cluster.isWorker) {
    const [{ runClusterWorker }, { tuneProcess }] = await Promise.all([
      import('../server/cluster.js'),
      import('./process-tuning.js'),
    ]);
    // The primary follows the supergraph's source and reloads on SIGHUP; a SIGHUP sent to the whole
    // process group must not stop a worker.
    process.on('SIGHUP', () => {});
    runClusterWorker(config, tuneProcess, (gateway) => stopOnSignals(() => gateway.close()));
    return;
  }
  const workers = config.server.workers ?? availableCpus();
  if (workers <= 1) {
    // Only the young generation's size needs a new process: start.ts limits the old one's growth.
    const execArgv = workerExecArgv(process.execArgv, process.env.NODE_OPTIONS);
    const added = execArgv.slice(process.execArgv.length);
    if (added.some((flag) => flag.startsWith('--max-semi-space-size'))) return serveInChildProcess(execArgv);
    const [{ startGateway }, { tuneProcessFor }] = await Promise.all([
      import('../server/start.js'),
      import('./process-tuning.js'),
    ]);
    await tuneProcessFor(config);
    const gateway = await startGateway({ config });
    stopOnSignals(() => gateway.close());
    reloadOnHangup(() => gateway.reload());
    // Started by serveInChildProcess: stop with the parent, whatever way it ends.
    if (process.connected) process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    announce(config, gateway.graphqlUrl, 1);
    return;
  }
  const [{ startCluster }, { openPrimaryRegistry }, { createLogger }] = await Promise.all([
    import('../server/cluster.js'),
    import('../server/registry-wiring.js'),
    import('../pipeline/logger.js'),
  ]);
  // Following its own registry, the primary opens it (and seeds the stage) for the workers.
  const logging = createLogger(config);
  const embedded = await openPrimaryRegistry(config, logging.logger);
  const running = await startCluster({
    config,
    workers,
    ...(embedded ? { registry: embedded.registry } : {}),
    onListening: (url) => announce(config, url, workers),
    log: (message) => process.stderr.write(`gatehouse: ${message}\n`),
  });
  stopOnSignals(async () => {
    await running.stop();
    await embedded?.close();
    logging.close();
  });
  reloadOnHangup(() => running.reload());
  void running.failed.then(async (code) => {
    await running.stop();
    process.exit(code);
  });
}

/**
 * Runs this same command in one child process started with the gateway heap flags, which V8 reads
 * only at start-up (a larger young generation saves about a tenth of the CPU per request under
 * load). The child does everything, output included; this process passes on SIGTERM, SIGINT and
 * SIGHUP (a reload) and exits as the child does. Setting the heap flags yourself (NODE_OPTIONS) serves in one process.
 */
async function serveInChildProcess(execArgv: string[]): Promise<void> {
  const [script, ...args] = process.argv.slice(1);
  const child = fork(script ?? '', args, { execArgv, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  const code = await new Promise<number>((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (exitCode, signal) =>
      resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)),
    );
  });
  process.exit(code);
}

function announce(config: GatehouseConfig, graphqlUrl: string, workers: number): void {
  const plural = workers === 1 ? 'worker' : 'workers';
  process.stdout.write(
    `Gatehouse (stage ${config.stage}, ${workers} ${plural}) serving GraphQL at ${graphqlUrl}\n`,
  );
  if (config.sandbox) process.stdout.write(`Sandbox: ${graphqlUrl.replace(/\/graphql$/, '/sandbox')}\n`);
}

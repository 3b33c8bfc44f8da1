import cluster, { type Worker } from 'node:cluster';
import type { GatehouseConfig } from '../config/load.js';
import { startGateway, type RunningGateway } from './start.js';

/** Messages between the primary and its workers. */
type PrimaryMessage = { type: 'gatehouse:start'; supergraphSdl: string };
type WorkerMessage =
  | { type: 'gatehouse:awaiting-supergraph' }
  | { type: 'gatehouse:listening'; url: string }
  | { type: 'gatehouse:failed'; message: string };

export interface ClusterOptions {
  config: GatehouseConfig;
  workers: number;
  /** Composed once by the primary, so a composition error stops everything before any fork. */
  supergraphSdl: string;
  onListening(url: string): void;
  log(message: string): void;
}

export interface RunningCluster {
  /** SIGTERM to every worker; resolves when all have drained and exited. */
  stop(): Promise<void>;
  /** Resolves with an exit code if the cluster gives up (workers crash-looping). */
  failed: Promise<number>;
}

/**
 * V8 heap sizing for workers, unless the operator set these flags (on the command line or in
 * NODE_OPTIONS). A worker allocates several hundred kilobytes per request that live for the request's
 * few round trips. With V8's defaults on a machine with gigabytes of memory, the old generation may
 * grow to four times its live size between full collections (about 55 MiB live, 230 MiB committed
 * under the benchmark's load). A 1 GiB ceiling makes V8 grow it by at most 2× (measured: peak RSS
 * 350 → 250 MiB), and a 32 MiB young generation lets most of a request's objects die young instead of
 * being promoted, which pays for the extra full collections. A deployment whose workers need a larger
 * heap sets its own `--max-old-space-size` in NODE_OPTIONS.
 */
export const WORKER_V8_FLAGS: readonly string[] = ['--max-old-space-size=1024', '--max-semi-space-size=32'];

/** `execArgv` plus the worker heap flags that neither it nor NODE_OPTIONS already sets. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((arg) =>
    arg.split('=', 1)[0]?.replaceAll('_', '-'),
  );
  const added = WORKER_V8_FLAGS.filter((flag) => !given.includes(flag.split('=', 1)[0]));
  return [...execArgv, ...added];
}

const CRASH_WINDOW_MS = 30_000;
const MAX_CRASHES_IN_WINDOW = 5;

/**
 * Runs `workers` gateway processes sharing one port. A worker that dies is replaced, unless
 * workers keep dying (more than five in 30 s), which stops the cluster with exit code 1.
 */
export function startCluster(options: ClusterOptions): RunningCluster {
  const { config, workers, supergraphSdl } = options;
  let stopping = false;
  let announced = false;
  const crashes: number[] = [];
  let giveUp: (code: number) => void = () => {};
  const failed = new Promise<number>((resolve) => (giveUp = resolve));

  const fork = (): Worker => {
    const worker = cluster.fork({ GATEHOUSE_WORKER: '1' });
    worker.on('message', (message: WorkerMessage) => {
      // The worker asks once its own config is loaded: a message sent earlier would be lost.
      if (message.type === 'gatehouse:awaiting-supergraph') {
        worker.send({ type: 'gatehouse:start', supergraphSdl } satisfies PrimaryMessage);
      }
      if (message.type === 'gatehouse:listening' && !announced) {
        announced = true;
        options.onListening(message.url);
      }
      if (message.type === 'gatehouse:failed')
        options.log(`worker ${worker.process.pid} failed to start: ${message.message}`);
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && (crashes[0] ?? now) < now - CRASH_WINDOW_MS) crashes.shift();
      options.log(
        `worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement`,
      );
      if (crashes.length > MAX_CRASHES_IN_WINDOW) {
        options.log(`workers crashed ${crashes.length} times in ${CRASH_WINDOW_MS / 1000} s; giving up`);
        giveUp(1);
        return;
      }
      fork();
    });
    return worker;
  };

  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  for (let index = 0; index < workers; index++) fork();

  return {
    failed,
    async stop() {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter(
        (worker): worker is Worker => worker !== undefined,
      );
      const exits = alive.map(
        (worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())),
      );
      for (const worker of alive) worker.process.kill('SIGTERM');
      // Workers drain for up to shutdownTimeoutMs themselves; after that and a grace period, force.
      const force = setTimeout(() => {
        for (const worker of alive) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, config.server.shutdownTimeoutMs + 5_000);
      await Promise.all(exits);
      clearTimeout(force);
    },
  };
}

/** In a worker: waits for the primary's supergraph, serves it, and reports back. */
export function runClusterWorker(
  config: GatehouseConfig,
  onStarted: (gateway: RunningGateway) => void,
): void {
  process.once('message', (message: PrimaryMessage) => {
    if (message.type !== 'gatehouse:start') return;
    startGateway({ config, supergraphSdl: message.supergraphSdl }).then(
      (gateway) => {
        onStarted(gateway);
        process.send?.({ type: 'gatehouse:listening', url: gateway.graphqlUrl } satisfies WorkerMessage);
      },
      (error: unknown) => {
        process.send?.({
          type: 'gatehouse:failed',
          message: error instanceof Error ? error.message : String(error),
        } satisfies WorkerMessage);
        process.exit(1);
      },
    );
  });
  process.send?.({ type: 'gatehouse:awaiting-supergraph' } satisfies WorkerMessage);
}

import cluster, { type Worker } from 'node:cluster';
import type { GatehouseConfig } from '../config/load.js';
import { workerExecArgv } from './heap-flags.js';
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

/**
 * In a worker: waits for the primary's supergraph, readies the process for it (`prepareProcess`,
 * from the command that owns the process), serves it, and reports back.
 */
export function runClusterWorker(
  config: GatehouseConfig,
  prepareProcess: (supergraphSdl: string) => void,
  onStarted: (gateway: RunningGateway) => void,
): void {
  process.once('message', (message: PrimaryMessage) => {
    if (message.type !== 'gatehouse:start') return;
    prepareProcess(message.supergraphSdl);
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

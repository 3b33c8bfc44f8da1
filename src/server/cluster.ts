import cluster, { type Worker } from 'node:cluster';
import { trafficEnabled } from '../config/traffic-schema.js';
import type { GatehouseConfig } from '../config/load.js';
import { createLogger } from '../pipeline/logger.js';
import type { Registry } from '../registry/types.js';
import { LiveSupergraph, type ServedSupergraph, type SupergraphStatus } from '../supergraph/live.js';
import { PushedSource } from '../supergraph/pushed-source.js';
import type { FetchedSupergraph } from '../supergraph/source.js';
import { createSupergraphSource } from '../supergraph/sources.js';
import {
  clusterWorkerFanIn,
  primaryFanIn,
  type FanInPrimaryMessage,
  type FanInWorkerMessage,
} from './cluster-fan-in.js';
import { workerExecArgv } from './heap-flags.js';
import { asPortInUse, PORT_IN_USE_EXIT_CODE } from './port-in-use.js';
import { startGateway, type RunningGateway } from './start.js';

/** Messages between the primary and its workers. */
type PrimaryMessage =
  | { type: 'gatehouse:start'; source: string; supergraph: FetchedSupergraph; failure?: string }
  | { type: 'gatehouse:supergraph'; supergraph: FetchedSupergraph }
  | { type: 'gatehouse:supergraph-failed'; message: string }
  | FanInPrimaryMessage;
type WorkerMessage =
  | { type: 'gatehouse:awaiting-supergraph' }
  | { type: 'gatehouse:listening'; url: string }
  | { type: 'gatehouse:failed'; message: string; portInUse?: true }
  | FanInWorkerMessage;

export interface ClusterOptions {
  config: GatehouseConfig;
  workers: number;
  /** The registry the primary runs, for `supergraph: { registry: embedded }`. */
  registry?: Registry;
  onListening(url: string): void;
  log(message: string): void;
}

export interface RunningCluster {
  /** SIGTERM to every worker; resolves when all have drained and exited. */
  stop(): Promise<void>;
  /** Fetches the supergraph from its source now (SIGHUP); a new one goes to every worker. */
  reload(): Promise<SupergraphStatus>;
  /** Resolves with an exit code if the cluster gives up (workers crash-looping). */
  failed: Promise<number>;
}

const CRASH_WINDOW_MS = 30_000;
const MAX_CRASHES_IN_WINDOW = 5;

/**
 * Runs `workers` gateway processes sharing one port. The primary loads the supergraph from the
 * config's source and validates it once, before any fork (a bad one stops everything), then follows
 * the source and sends each new valid supergraph, and each failure, to every worker; a worker that
 * starts later gets the latest. Workers only apply what they are sent. A worker that dies is
 * replaced, unless workers keep dying (more than five in 30 s), which stops the cluster with exit
 * code 1.
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { config, workers } = options;
  const logging = createLogger(config);
  if (workers > 1 && trafficEnabled(config.traffic) && config.traffic.store === 'memory') {
    logging.logger.warn(
      `traffic.store is memory: each of the ${workers} workers counts rate limits and quotas alone, so together they let through up to ${workers} times each limit; use \`traffic.store: redis\` to share them`,
    );
  }
  const live = new LiveSupergraph(
    createSupergraphSource(config, { registry: options.registry }),
    logging.logger,
  );
  try {
    await live.start();
  } catch (error) {
    await live.close();
    logging.close();
    throw error;
  }
  let stopping = false;
  let announced = false;
  // Announced once every first worker listens: before that, the port is not shared by all of them,
  // and a worker that dies first would take a port-0 listener with it.
  const listening = new Set<Worker>();
  const crashes: number[] = [];
  let giveUp: (code: number) => void = () => {};
  const failed = new Promise<number>((resolve) => (giveUp = resolve));
  // Workers that were sent their first supergraph: later ones reach them.
  const started = new Set<Worker>();
  let failure: string | undefined;

  // Metrics (and the dashboard) summed over workers: a worker's question goes to all of them.
  const fanIn = primaryFanIn(() => started);

  const broadcast = (message: PrimaryMessage) => {
    for (const worker of started) if (worker.isConnected()) worker.send(message);
  };
  live.follow(
    (next) => {
      failure = undefined;
      broadcast({ type: 'gatehouse:supergraph', supergraph: relayed(next) });
    },
    (message) => {
      failure = message;
      broadcast({ type: 'gatehouse:supergraph-failed', message });
    },
  );

  const fork = (): Worker => {
    const worker = cluster.fork({ GATEHOUSE_WORKER: '1' });
    worker.on('message', (message: WorkerMessage) => {
      if (fanIn.receive(worker, message)) return;
      // The worker asks once its own config is loaded: a message sent earlier would be lost.
      if (message.type === 'gatehouse:awaiting-supergraph') {
        const served = live.served();
        if (!served) return;
        worker.send({
          type: 'gatehouse:start',
          source: live.description,
          supergraph: relayed(served),
          ...(failure === undefined ? {} : { failure }),
        } satisfies PrimaryMessage);
        started.add(worker);
      }
      if (message.type === 'gatehouse:listening') listening.add(worker);
      if (message.type === 'gatehouse:listening' && !announced && listening.size >= workers) {
        announced = true;
        options.onListening(message.url);
      }
      if (message.type === 'gatehouse:failed' && message.portInUse) {
        // Every worker would meet the same taken port: stop instead of replacing them.
        if (!stopping) options.log(message.message);
        stopping = true;
        giveUp(PORT_IN_USE_EXIT_CODE);
      } else if (message.type === 'gatehouse:failed')
        options.log(`worker ${worker.process.pid} failed to start: ${message.message}`);
    });
    worker.on('exit', (code, signal) => {
      started.delete(worker);
      fanIn.forget(worker);
      listening.delete(worker);
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
    reload: () => live.reload(),
    async stop() {
      stopping = true;
      await live.close();
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
      logging.close();
    },
  };
}

function relayed({ sdl, hash, version }: ServedSupergraph): FetchedSupergraph {
  return version === undefined ? { sdl, hash } : { sdl, hash, version };
}

/**
 * In a worker: waits for the primary's supergraph, readies the process for it (`prepareProcess`,
 * from the command that owns the process), serves it, reports back, and then applies every
 * supergraph (and failure) the primary sends.
 */
export function runClusterWorker(
  config: GatehouseConfig,
  prepareProcess: (supergraphSdl: string) => void,
  onStarted: (gateway: RunningGateway) => void,
): void {
  let source: PushedSource | undefined;
  const fanIn = clusterWorkerFanIn((message) => process.send?.(message));
  process.on('message', (message: PrimaryMessage) => {
    if (fanIn.receive(message)) return;
    switch (message.type) {
      case 'gatehouse:start': {
        if (source) return;
        source = new PushedSource(message.source, message.supergraph, message.failure);
        prepareProcess(message.supergraph.sdl);
        startGateway({ config, supergraphSource: source, fanIn }).then(
          (gateway) => {
            onStarted(gateway);
            process.send?.({ type: 'gatehouse:listening', url: gateway.graphqlUrl } satisfies WorkerMessage);
          },
          (error: unknown) => {
            const portInUse = asPortInUse(error);
            process.send?.({
              type: 'gatehouse:failed',
              message: portInUse?.message ?? (error instanceof Error ? error.message : String(error)),
              ...(portInUse ? { portInUse: true } : {}),
            } satisfies WorkerMessage);
            process.exit(1);
          },
        );
        return;
      }
      case 'gatehouse:supergraph':
        source?.push(message.supergraph);
        return;
      case 'gatehouse:supergraph-failed':
        source?.fail(message.message);
        return;
      default:
        return;
    }
  });
  process.send?.({ type: 'gatehouse:awaiting-supergraph' } satisfies WorkerMessage);
}

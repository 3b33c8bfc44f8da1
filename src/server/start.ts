import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { GatehouseConfig } from '../config/load.js';
import { internSupergraphNames } from '../execution/one-byte-names.js';
import { startGraphQLRuntime, type GraphQLRuntime } from '../gateway/graphql-runtime.js';
import { loadSupergraph } from '../gateway/supergraph-source.js';
import { buildApp } from './app.js';
import { graphqlHandler } from './graphql-handler.js';
import type { ServerState } from './lifecycle.js';

export interface StartGatewayOptions {
  config: GatehouseConfig;
  logger?: Logger;
  /** Serve this supergraph instead of loading the configured one. */
  supergraphSdl?: string;
  uiDir?: string;
}

export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  graphqlUrl: string;
  app: FastifyInstance;
  state(): ServerState;
  /** Stops accepting, lets in-flight requests finish (bounded by server.shutdownTimeoutMs), then stops. */
  close(): Promise<void>;
}

export function createLogger(config: GatehouseConfig): Logger {
  return pino(
    { level: config.logging.level, base: { service: 'gatehouse', stage: config.stage } },
    standardOutput(),
  );
}

const LOG_FLUSH_INTERVAL_MS = 250;
let stdoutDestination: DestinationStream | undefined;

/**
 * Standard output for log lines, buffered: under load the access log costs one write per 8 KiB
 * rather than one system call per request. Lines still go out within a quarter of a second when the
 * gateway is quiet, and all that is pending goes out when the process exits.
 */
function standardOutput(): DestinationStream {
  if (stdoutDestination) return stdoutDestination;
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: 8192,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // Closed (EPIPE, shutdown): nothing more can be written.
    }
  });
  stdoutDestination = destination;
  return destination;
}

/**
 * Starts the gateway the way `gatehouse serve` does: listen first (so /health answers and /ready
 * says 503), then load the supergraph and start serving it.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  limitHeapGrowth();
  // Before anything parses the supergraph (see one-byte-names.ts).
  if (options.supergraphSdl !== undefined) internSupergraphNames(options.supergraphSdl);
  else if (config.supergraph !== undefined) await internNamesOfFile(config.supergraph);
  const logger = options.logger ?? createLogger(config);
  let state: ServerState = { phase: 'starting' };
  const app = await buildApp({
    config,
    logger,
    state: () => state,
    ...(options.uiDir ? { uiDir: options.uiDir } : {}),
  });
  await app.listen({ port: config.server.port, host: config.server.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;

  let runtime: GraphQLRuntime;
  try {
    const supergraphSdl = options.supergraphSdl ?? (await loadSupergraph(config));
    runtime = await startGraphQLRuntime(config, supergraphSdl, app.log);
  } catch (error) {
    state = { phase: 'failed', reason: error instanceof Error ? error.message : String(error) };
    await app.close();
    throw error;
  }
  const handle = graphqlHandler(runtime.apollo);
  state = { phase: 'serving', runtime, handle };

  let closing: Promise<void> | undefined;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    app,
    state: () => state,
    close() {
      closing ??= (async () => {
        state = { phase: 'draining' };
        await drain(app, config.server.shutdownTimeoutMs);
        await runtime.stop();
        state = { phase: 'stopped' };
      })();
      return closing;
    },
  };
}

/**
 * Lets V8 grow the old generation to at most twice its live size between full collections, instead of
 * up to four times on a machine with gigabytes of memory. This is the one heap setting that still
 * takes effect in a running process. A gateway allocates several hundred kilobytes per request, most
 * of it short-lived but outliving a young-generation collection or two while the request waits on
 * subgraphs; with the default growth the old generation held about 55 MiB of live data in 230 MiB
 * under the benchmark's load (peak RSS 350 MiB, 245 MiB with this). Processes that `serve` starts get
 * `--max-old-space-size` instead (heap-flags.ts), which has the same effect; heap flags an operator
 * set are left alone.
 */
function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const tuned = given.some((arg) =>
    /^--(max[-_]old[-_]space[-_]size|heap[-_]growing[-_]percent)\b/.test(arg),
  );
  if (!tuned) setFlagsFromString('--heap-growing-percent=100');
}

async function internNamesOfFile(path: string): Promise<void> {
  try {
    internSupergraphNames(await readFile(path, 'utf8'));
  } catch {
    // loadSupergraph reports an unreadable file.
  }
}

async function drain(app: FastifyInstance, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([app.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    app.log.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
    app.server.closeAllConnections();
  }
}

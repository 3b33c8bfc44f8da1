import { pino, type Logger } from 'pino';
import type { GatehouseConfig } from '../config/load.js';

const LOG_FLUSH_INTERVAL_MS = 250;

export interface OwnedLogger {
  logger: Logger;
  /** Writes what is buffered and stops the periodic flush. */
  close(): void;
}

/**
 * The gateway's logger: JSON lines on standard output, buffered, so that under load the access log
 * costs one write per 8 KiB rather than one system call per request. Lines still go out within a
 * quarter of a second when the gateway is quiet, and all that is pending goes out at close or when
 * the process exits.
 */
export function createLogger(config: GatehouseConfig): OwnedLogger {
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: 8192,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  const flush = () => {
    try {
      destination.flushSync();
    } catch {
      // Closed (EPIPE, shutdown): nothing more can be written.
    }
  };
  process.once('exit', flush);
  const logger = pino(
    { level: config.logging.level, base: { service: 'gatehouse', stage: config.stage } },
    destination,
  );
  return {
    logger,
    close() {
      process.removeListener('exit', flush);
      flush();
      destination.destroy();
    },
  };
}

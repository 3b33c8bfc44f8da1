import type { Logger } from 'pino';
import { TrafficStoreUnavailable } from './store/types.js';

/**
 * Every call to the traffic store goes through here: bounded by `storeTimeoutMs` with a timer of
 * its own (the shared Redis client's command timeout is longer, and a request must never wait on
 * it), and watched, so that an outage is logged once when it begins and once when it ends, and
 * counted (the plugin's `/ready` detail shows the count).
 */
export interface StoreGuard {
  /** What `task` answered, or why not (it failed, or did not answer within the timeout). */
  run<T>(task: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;
  /** Store errors since the start, and whether the store is failing now. */
  report(): { errors: number; failing: boolean };
}

export function createStoreGuard(options: { timeoutMs: number; logger: Logger; what: string }): StoreGuard {
  const { timeoutMs, logger, what } = options;
  let errors = 0;
  let failing = false;

  return {
    async run(task) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TrafficStoreUnavailable(new Error(`no answer within ${timeoutMs} ms`))),
          timeoutMs,
        );
      });
      try {
        // A late answer or failure of `task` is dropped: race() has already handled it.
        const value = await Promise.race([task(), timedOut]);
        if (failing) {
          failing = false;
          logger.info(`traffic: the ${what} store answers again; limits apply`);
        }
        return { ok: true, value };
      } catch (error) {
        errors++;
        if (!failing) {
          failing = true;
          logger.warn({ err: error }, `traffic: the ${what} store does not answer`);
        }
        return { ok: false, error };
      } finally {
        clearTimeout(timer);
      }
    },
    report: () => ({ errors, failing }),
  };
}

import { errorBody } from '../../errors.js';
import { createTokenCheck } from '../../registry/http-auth.js';
import type { WorkerFanIn } from '../fan-in.js';
import { sumWorkers } from './sum-workers.js';

/** What a scrape answers, on the gateway port or the metrics port alike. */
export interface ScrapeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The fan-in kind under which each worker answers with its metrics. */
export const METRICS_KIND = 'metrics';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export interface ScrapeOptions {
  fanIn: WorkerFanIn;
  maxNames: number;
  /** When set, a scrape needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Hears why a scrape could not be answered. */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Answers a scrape: checks the token (hashed and compared in constant time, as the registry's admin
 * tokens are), gathers every worker's metrics and sums them.
 */
export function createScrape({ fanIn, maxNames, token, onError }: ScrapeOptions) {
  const check = token === undefined ? undefined : createTokenCheck([{ name: 'metrics', token }]);
  return async (authorization: string | undefined): Promise<ScrapeAnswer> => {
    if (check !== undefined && !check(authorization).ok) {
      return {
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
        body: JSON.stringify(
          errorBody(
            'UNAUTHENTICATED',
            'Metrics need `Authorization: Bearer <token>` with the metrics token.',
          ),
        ),
      };
    }
    let body: string;
    try {
      body = await sumWorkers(await fanIn.gather(METRICS_KIND), maxNames);
    } catch (error) {
      // The primary did not answer at all: Prometheus records a failed scrape, which is the truth.
      onError?.(error);
      return {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'The metrics of the gateway workers could not be gathered; try again.\n',
      };
    }
    return { status: 200, headers: { 'content-type': PROMETHEUS_TEXT }, body };
  };
}

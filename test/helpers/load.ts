import { createRequire } from 'node:module';

/** What the tests use of autocannon's result (it ships no types). */
export interface LoadResult {
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  statusCodeStats: Record<string, { count: number }>;
}

export interface SteadyLoadResult extends LoadResult {
  /** The first few bodies that were not the expected one, to say what went wrong. */
  unexpectedBodies: string[];
}

/** What went wrong under load, for one assertion: {@link NO_FAILURES} when nothing did. */
export function failuresOf(result: SteadyLoadResult) {
  return {
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statuses: Object.keys(result.statusCodeStats),
    unexpectedBodies: result.unexpectedBodies,
  };
}

export const NO_FAILURES: ReturnType<typeof failuresOf> = {
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  mismatches: 0,
  statuses: ['200'],
  unexpectedBodies: [],
};

interface LoadOptions {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
  /** A response whose body is not exactly this counts as a mismatch. */
  expectBody: string;
}

type Autocannon = (
  options: LoadOptions,
  callback: (error: Error | null, result: LoadResult) => void,
) => { on(event: 'reqMismatch', listener: (body: string) => void): void; stop(): void };

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * Steady concurrent load for `seconds` (or until `stopWhen` settles, if sooner): the same GraphQL
 * POST on `connections` connections. Every answer must be 200 with exactly `expectedBody`; the
 * result counts the others.
 */
export function steadyLoad(
  url: string,
  body: string,
  expectedBody: string,
  { seconds, connections, stopWhen }: { seconds: number; connections: number; stopWhen?: Promise<unknown> },
): Promise<SteadyLoadResult> {
  const unexpectedBodies: string[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: seconds,
        expectBody: expectedBody,
      },
      (error, result) => (error ? reject(error) : resolve({ ...result, unexpectedBodies })),
    );
    instance.on('reqMismatch', (mismatch) => {
      if (unexpectedBodies.length < 5) unexpectedBodies.push(mismatch);
    });
    const stop = () => instance.stop();
    void stopWhen?.then(stop, stop);
  });
}

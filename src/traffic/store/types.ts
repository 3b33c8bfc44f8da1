/**
 * The traffic store's contract: what the limiter needs of a place to keep counters, and no more.
 * The memory store (one process) and the Redis store (workers and replicas) both implement it and
 * pass one test suite (test/unit/traffic/store.test.ts). Times are epoch milliseconds from the
 * caller's clock, so that tests inject a clock and replicas agree on calendar periods.
 */

/** How a counter's window moves. */
export type CounterWindow =
  /** A calendar period: the key already names the period; the counter expires when it ends. */
  | { kind: 'fixed'; endsAt: number }
  /**
   * A rolling window of `ms`, kept in `slots` sub-windows. What is counted is every slot that
   * overlaps (now − ms, now], so no window of `ms` ever holds more than the limit; capacity comes
   * back a slot at a time (ms / slots).
   */
  | { kind: 'rolling'; ms: number; slots: number };

/** One limit a request must pass. A request's limits are checked and taken together, atomically. */
export type LimitCheck =
  /**
   * A token bucket of `capacity` tokens refilled at `refillPerMs` (GCRA or equal): takes `amount`
   * tokens when there are that many.
   */
  | { kind: 'bucket'; key: string; capacity: number; refillPerMs: number; amount: number }
  /** A quota: admits when used + amount ≤ limit, then adds amount. */
  | { kind: 'quota'; key: string; limit: number; amount: number; window: CounterWindow }
  /** A budget drained after the fact (`charge`): admits while used < limit; adds nothing. */
  | { kind: 'budget'; key: string; limit: number; window: CounterWindow };

/** What one check found. */
export interface CheckOutcome {
  allowed: boolean;
  /** Tokens (bucket) or amount (quota, budget) left after this request; never below 0. */
  remaining: number;
  /** Used so far in the window, after this request (0 for buckets). */
  used: number;
  /** Milliseconds until the bucket is full again, or the window (or its oldest slot) resets. */
  resetMs: number;
  /** When refused: milliseconds until the request would pass this check; 0 when allowed. */
  retryAfterMs: number;
}

export interface Admission {
  /** True when every check passed; then every check was taken, else none was. */
  allowed: boolean;
  /** One per check, in order. */
  outcomes: CheckOutcome[];
}

/** Counts a request towards a ranking (the dashboard's top consumers). */
export interface Ranking {
  /** The ranking's key, naming its period (e.g. `top:2026-12-03`). */
  board: string;
  /** Who is counted (the caller's counted key). */
  member: string;
  /** When the ranking may be forgotten. */
  expiresAt: number;
}

export interface TrafficStore {
  /** `memory` or `redis`, for logs and the start-up warning. */
  readonly kind: 'memory' | 'redis';
  /**
   * Checks every limit; when all pass, takes them all (and counts `ranking`), else takes none.
   * Atomic across every process sharing the store: N replicas together never admit past a limit.
   */
  admit(checks: readonly LimitCheck[], now: number, ranking?: Ranking): Promise<Admission>;
  /** Adds `amount` to a budget's counter, unchecked (a response's actual cost). */
  charge(key: string, amount: number, window: CounterWindow, now: number): Promise<void>;
  /**
   * What `admit` would find for one request of amount 1, without taking anything (usage reports):
   * `allowed` and `retryAfterMs` answer for that request; `remaining`, `used` and `resetMs` describe
   * the counters as they stand (a bucket's `remaining` is its tokens now), as a refused admit does.
   * Each check is answered on its own.
   */
  peek(checks: readonly LimitCheck[], now: number): Promise<CheckOutcome[]>;
  /** The `count` members with the most requests on a ranking, most first. */
  top(board: string, count: number): Promise<{ member: string; requests: number }[]>;
  /** Releases what the store holds of its own (not a shared Redis client). */
  close(): Promise<void>;
}

/** The store did not answer (down, timed out): the caller applies `traffic.onStoreError`. */
export class TrafficStoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the traffic store did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'TrafficStoreUnavailable';
  }
}

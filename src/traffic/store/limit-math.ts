import type { CounterWindow } from './types.js';

/**
 * The arithmetic of the limits, shared by the memory store and mirrored line for line by the Redis
 * script (redis-script.ts), so that both stores answer the same numbers to the same test suite.
 */

/**
 * Float slack on instants. Epoch milliseconds are large (1.8e12): adding a fractional interval
 * (a token every 142.857… ms) to them rounds by up to 0.000 12 ms, which must not cost a token,
 * turn 100 ms into 101 or refuse a request that comes exactly on time.
 */
export const SLACK_MS = 0.001;
/** A calendar counter outlives its period this long, for replicas whose clocks lag a little. */
export const FIXED_LINGER_MS = 60_000;
/** A ranking keeps at most this many members; the smallest go first. */
export const RANKING_MAX_MEMBERS = 10_000;

/** What a counter looks like before and after a request. */
export interface Reading {
  remaining: number;
  used: number;
  resetMs: number;
}

/** One check, evaluated against what a store holds, without writing anything. */
export interface Step {
  allowed: boolean;
  retryAfterMs: number;
  before: Reading;
  /** Meaningful only when `allowed`: what the counter holds once the request is taken. */
  after: Reading;
}

/** Milliseconds, whole and never negative: headers and `Retry-After` round up. */
export function ceilMs(ms: number): number {
  return ms <= SLACK_MS ? 0 : Math.ceil(ms - SLACK_MS);
}

/**
 * A token bucket as GCRA (the generic cell rate algorithm): the bucket is one number, the
 * theoretical arrival time (TAT), the instant it will be full again. A token comes back every
 * `interval` = 1 / refillPerMs ms, so at `now` the bucket holds capacity − (TAT − now) / interval
 * tokens. Taking `amount` pushes TAT by amount × interval, which is allowed while the bucket does
 * not go below zero. No timer, no last-refill time: one read and one write.
 */
export function bucketStep(
  storedTat: number | undefined,
  capacity: number,
  refillPerMs: number,
  amount: number,
  now: number,
): Step & { newTat: number } {
  const interval = 1 / refillPerMs;
  const tolerance = capacity * interval; // how far ahead of now TAT may be: an empty bucket
  const tat = storedTat === undefined || storedTat < now ? now : storedTat;
  const newTat = tat + amount * interval;
  const tokensAt = (at: number) => Math.max(0, Math.floor((tolerance - (at - now) + SLACK_MS) / interval));
  const allowed = newTat - now <= tolerance + SLACK_MS;
  return {
    allowed,
    retryAfterMs: allowed ? 0 : ceilMs(newTat - now - tolerance),
    before: { remaining: tokensAt(tat), used: 0, resetMs: ceilMs(tat - now) },
    after: { remaining: tokensAt(newTat), used: 0, resetMs: ceilMs(newTat - now) },
    newTat,
  };
}

/** Part of a counter that leaves the window at `at` (all of it at once for a calendar period). */
export interface Leaving {
  at: number;
  count: number;
}

/** A counter as it stands at `now`. */
export interface WindowView {
  used: number;
  /** Oldest first. */
  leaving: Leaving[];
  /** When what a request adds now leaves the window. */
  currentLeavesAt: number;
}

/**
 * A rolling window of `ms` is kept in `slots` slots of `ms / slots`: slot i counts what came in
 * [i × len, (i + 1) × len). The counted slots are those overlapping (now − ms, now], the first of
 * them being floor((now − ms) / len); slot i stops counting at (i + 1) × len + ms.
 */
export function rollingGeometry(window: { ms: number; slots: number }, now: number) {
  const len = window.ms / window.slots;
  const current = Math.floor(now / len);
  return {
    len,
    current,
    first: Math.floor((now - window.ms) / len),
    leavesAt: (slot: number) => (slot + 1) * len + window.ms,
  };
}

/** How long a key must live: until what a request adds now has left the window. */
export function counterTtlMs(window: CounterWindow, now: number): number {
  if (window.kind === 'fixed') return Math.max(1, ceilMs(window.endsAt - now + FIXED_LINGER_MS));
  const { current, leavesAt } = rollingGeometry(window, now);
  return Math.max(1, ceilMs(leavesAt(current) - now));
}

/**
 * A quota (admits when used + amount ≤ limit, then adds amount) or a budget (admits while
 * used < limit, adds nothing: `charge` adds the actual cost later).
 */
export function counterStep(
  kind: 'quota' | 'budget',
  view: WindowView,
  limit: number,
  amount: number,
  now: number,
): Step {
  const passes = (used: number) => (kind === 'quota' ? used + amount <= limit : used < limit);
  const allowed = passes(view.used);
  const oldest = view.leaving[0];
  const before: Reading = {
    remaining: Math.max(0, limit - view.used),
    used: view.used,
    resetMs: oldest ? ceilMs(oldest.at - now) : 0,
  };
  const usedAfter = kind === 'quota' ? view.used + amount : view.used;
  const after: Reading = {
    remaining: Math.max(0, limit - usedAfter),
    used: usedAfter,
    resetMs: ceilMs(Math.min(oldest?.at ?? Infinity, view.currentLeavesAt) - now),
  };
  return { allowed, retryAfterMs: allowed ? 0 : retryAfter(view, passes, now), before, after };
}

/** Waits for the oldest parts of the counter to leave the window until the request passes. */
function retryAfter(view: WindowView, passes: (used: number) => boolean, now: number): number {
  let left = view.used;
  for (const part of view.leaving) {
    left -= part.count;
    if (passes(left)) return ceilMs(part.at - now);
  }
  // It never passes (an amount over the limit): the soonest it could is once everything has left.
  return ceilMs(view.currentLeavesAt - now);
}

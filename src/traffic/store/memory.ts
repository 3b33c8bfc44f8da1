import {
  bucketStep,
  counterStep,
  counterTtlMs,
  RANKING_MAX_MEMBERS,
  rollingGeometry,
  type Leaving,
  type Step,
  type WindowView,
} from './limit-math.js';
import type { Admission, CheckOutcome, CounterWindow, LimitCheck, Ranking, TrafficStore } from './types.js';

export interface MemoryTrafficStoreOptions {
  /** Counters kept at most (`traffic.memory.maxKeys`); the least recently used go first. */
  maxKeys: number;
}

/** What one key holds; it may be forgotten from `expiresAt` on, when it would read as empty. */
type Entry =
  | { kind: 'bucket'; tat: number; expiresAt: number }
  | { kind: 'fixed'; used: number; expiresAt: number }
  | { kind: 'rolling'; slots: Map<number, number>; expiresAt: number };

interface Board {
  expiresAt: number;
  members: Map<string, number>;
}

/** A full ranking is cut back to this share at once, so that pruning does not sort on every request. */
const RANKING_KEEP_RATIO = 0.9;

/**
 * Counters in this process: exact for one process, and per worker with `--workers N`. Memory stays
 * bounded: at most `maxKeys` counters (least recently used evicted, so a flood of new callers
 * cannot grow it; an evicted caller starts afresh), expired ones dropped, rankings capped.
 * Every method runs to completion without awaiting, which makes `admit` atomic.
 */
export function createMemoryTrafficStore({ maxKeys }: MemoryTrafficStoreOptions): TrafficStore {
  const entries = new Map<string, Entry>();
  const boards = new Map<string, Board>();
  let writesSinceSweep = 0;

  function read(key: string, now: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    // Reading counts as a use too: a caller who is being refused must not be the first evicted.
    entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    entries.set(key, entry);
    return entry;
  }

  function write(key: string, entry: Entry, now: number): void {
    entries.delete(key); // a Map iterates in insertion order: re-inserting makes the key the newest
    entries.set(key, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= maxKeys) break;
      entries.delete(oldest);
    }
    // Expired entries go when read; a sweep once per maxKeys writes catches the ones nobody reads.
    if (++writesSinceSweep >= maxKeys) {
      writesSinceSweep = 0;
      for (const [key, held] of entries) if (held.expiresAt <= now) entries.delete(key);
    }
  }

  function viewOf(key: string, window: CounterWindow, now: number): WindowView {
    const entry = read(key, now);
    if (window.kind === 'fixed') {
      const used = entry?.kind === 'fixed' ? entry.used : 0;
      return { used, leaving: [{ at: window.endsAt, count: used }], currentLeavesAt: window.endsAt };
    }
    const { first, current, leavesAt } = rollingGeometry(window, now);
    const leaving: Leaving[] = [];
    let used = 0;
    if (entry?.kind === 'rolling')
      for (const [slot, count] of entry.slots)
        if (slot >= first) {
          used += count;
          leaving.push({ at: leavesAt(slot), count });
        }
    leaving.sort((a, b) => a.at - b.at);
    return { used, leaving, currentLeavesAt: leavesAt(current) };
  }

  function add(key: string, window: CounterWindow, amount: number, now: number): void {
    const entry = read(key, now);
    const expiresAt = now + counterTtlMs(window, now);
    if (window.kind === 'fixed') {
      const used = entry?.kind === 'fixed' ? entry.used : 0;
      write(key, { kind: 'fixed', used: used + amount, expiresAt }, now);
      return;
    }
    const { first, current } = rollingGeometry(window, now);
    const slots = entry?.kind === 'rolling' ? entry.slots : new Map<number, number>();
    for (const slot of slots.keys()) if (slot < first) slots.delete(slot);
    slots.set(current, (slots.get(current) ?? 0) + amount);
    write(key, { kind: 'rolling', slots, expiresAt }, now);
  }

  /** Evaluates one check and says how to take it, once every check is known to pass. */
  function evaluate(check: LimitCheck, amount: number, now: number): { step: Step; take(): void } {
    switch (check.kind) {
      case 'bucket': {
        const entry = read(check.key, now);
        const tat = entry?.kind === 'bucket' ? entry.tat : undefined;
        const step = bucketStep(tat, check.capacity, check.refillPerMs, amount, now);
        // The bucket is full again at the new TAT, and a full bucket needs no entry.
        const take = () =>
          write(check.key, { kind: 'bucket', tat: step.newTat, expiresAt: step.newTat }, now);
        return { step, take };
      }
      case 'quota': {
        const step = counterStep('quota', viewOf(check.key, check.window, now), check.limit, amount, now);
        return { step, take: () => add(check.key, check.window, amount, now) };
      }
      case 'budget': {
        const step = counterStep('budget', viewOf(check.key, check.window, now), check.limit, 0, now);
        return { step, take: () => undefined };
      }
      default: {
        const never: never = check;
        throw new Error(`unknown limit check ${JSON.stringify(never)}`);
      }
    }
  }

  function count(ranking: Ranking, now: number): void {
    let board = boards.get(ranking.board);
    if (board === undefined) {
      for (const [name, old] of boards) if (old.expiresAt <= now) boards.delete(name);
      board = { expiresAt: ranking.expiresAt, members: new Map() };
      boards.set(ranking.board, board);
    }
    board.expiresAt = Math.max(board.expiresAt, ranking.expiresAt);
    board.members.set(ranking.member, (board.members.get(ranking.member) ?? 0) + 1);
    if (board.members.size > RANKING_MAX_MEMBERS) {
      // Smallest first, ties in byte order, as Redis's ZREMRANGEBYRANK drops them.
      const smallest = [...board.members].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1));
      const drop = board.members.size - Math.floor(RANKING_MAX_MEMBERS * RANKING_KEEP_RATIO);
      for (const [member] of smallest.slice(0, drop)) board.members.delete(member);
    }
  }

  return {
    kind: 'memory',

    async admit(checks: readonly LimitCheck[], now: number, ranking?: Ranking): Promise<Admission> {
      const evaluated = checks.map((check) =>
        evaluate(check, check.kind === 'budget' ? 0 : check.amount, now),
      );
      const allowed = evaluated.every(({ step }) => step.allowed);
      if (allowed) {
        for (const { take } of evaluated) take();
        if (ranking) count(ranking, now);
      }
      return { allowed, outcomes: evaluated.map(({ step }) => outcomeOf(step, allowed)) };
    },

    async charge(key: string, amount: number, window: CounterWindow, now: number): Promise<void> {
      if (Number.isFinite(amount) && amount > 0) add(key, window, amount, now);
    },

    async peek(checks: readonly LimitCheck[], now: number): Promise<CheckOutcome[]> {
      return checks.map((check) => outcomeOf(evaluate(check, 1, now).step, false));
    },

    async top(board: string, count: number): Promise<{ member: string; requests: number }[]> {
      const members = boards.get(board)?.members;
      if (members === undefined || count <= 0) return [];
      // Most first, ties in reverse byte order, as Redis's ZREVRANGE lists them.
      return [...members]
        .sort(([a, x], [b, y]) => y - x || (a < b ? 1 : -1))
        .slice(0, count)
        .map(([member, requests]) => ({ member, requests }));
    },

    async close(): Promise<void> {
      entries.clear();
      boards.clear();
    },
  };
}

/** A taken request reports the counter after it; a refused one (or a peek) the counter as it is. */
function outcomeOf(step: Step, taken: boolean): CheckOutcome {
  const reading = taken ? step.after : step.before;
  return { allowed: step.allowed, ...reading, retryAfterMs: step.retryAfterMs };
}

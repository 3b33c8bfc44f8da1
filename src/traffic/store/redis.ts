import type { Redis } from 'ioredis';
import { TRAFFIC_SCRIPT } from './redis-script.js';
import {
  TrafficStoreUnavailable,
  type Admission,
  type CheckOutcome,
  type CounterWindow,
  type LimitCheck,
  type Ranking,
  type TrafficStore,
} from './types.js';

/** The script's name on the client; `defineCommand` runs it by EVALSHA, loading it once if needed. */
const COMMAND = 'gatehouseTrafficLimits';

type Mode = 'admit' | 'peek' | 'charge';
type Reply = (string | number)[];

interface ScriptCommand {
  [COMMAND](numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * Counters in Redis, shared by every worker and replica: each `admit` is one script run (see
 * redis-script.ts), atomic across them all. Keys are `prefix + key` and expire on their own.
 * It runs on the gateway's shared client (`resources.redis`), which it does not close. Any failure
 * of the client (down, timed out, refused) surfaces as {@link TrafficStoreUnavailable}.
 */
export function createRedisTrafficStore(redis: Redis, prefix: string): TrafficStore {
  // Defining the command adds a method to the client; several stores on one client share it.
  if (typeof (redis as Partial<ScriptCommand>)[COMMAND] !== 'function')
    redis.defineCommand(COMMAND, { lua: TRAFFIC_SCRIPT });
  const client = redis as Redis & ScriptCommand;

  async function run(
    mode: Mode,
    checks: readonly { check: LimitCheck; amount: number }[],
    now: number,
    ranking?: Ranking,
  ): Promise<Reply> {
    const keys = checks.map(({ check }) => prefix + check.key);
    const args = [mode, String(now), String(checks.length)];
    for (const { check, amount } of checks) args.push(...fieldsOf(check, amount));
    if (ranking) {
      keys.push(prefix + ranking.board);
      args.push(ranking.member, String(ranking.expiresAt));
    }
    try {
      const reply = await client[COMMAND](keys.length, ...keys, ...args);
      return Array.isArray(reply) ? (reply as Reply) : [];
    } catch (error) {
      throw new TrafficStoreUnavailable(error);
    }
  }

  return {
    kind: 'redis',

    async admit(checks: readonly LimitCheck[], now: number, ranking?: Ranking): Promise<Admission> {
      const reply = await run(
        'admit',
        checks.map((check) => ({ check, amount: check.kind === 'budget' ? 0 : check.amount })),
        now,
        ranking,
      );
      return { allowed: reply[0] === 1, outcomes: outcomesOf(reply, checks.length) };
    },

    async charge(key: string, amount: number, window: CounterWindow, now: number): Promise<void> {
      if (!Number.isFinite(amount) || amount <= 0) return;
      await run('charge', [{ check: { kind: 'budget', key, limit: 0, window }, amount }], now);
    },

    async peek(checks: readonly LimitCheck[], now: number): Promise<CheckOutcome[]> {
      if (checks.length === 0) return [];
      const reply = await run(
        'peek',
        checks.map((check) => ({ check, amount: 1 })),
        now,
      );
      return outcomesOf(reply, checks.length);
    },

    async top(board: string, count: number): Promise<{ member: string; requests: number }[]> {
      if (count <= 0) return [];
      let flat: string[];
      try {
        flat = await client.zrevrange(prefix + board, 0, count - 1, 'WITHSCORES');
      } catch (error) {
        throw new TrafficStoreUnavailable(error);
      }
      const top: { member: string; requests: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2)
        top.push({ member: flat[i] as string, requests: Number(flat[i + 1]) });
      return top;
    },

    async close(): Promise<void> {
      // The client is the gateway's (resources.redis): whoever opened it closes it.
    },
  };
}

/** One check as the script's six fields (see the layout at the top of redis-script.ts). */
function fieldsOf(check: LimitCheck, amount: number): string[] {
  switch (check.kind) {
    case 'bucket':
      return ['bucket', String(check.capacity), String(amount), String(check.refillPerMs), '', ''];
    case 'quota':
    case 'budget':
      return [check.kind, String(check.limit), String(amount), ...windowFields(check.window)];
    default: {
      const never: never = check;
      throw new Error(`unknown limit check ${JSON.stringify(never)}`);
    }
  }
}

function windowFields(window: CounterWindow): [string, string, string] {
  return window.kind === 'fixed'
    ? ['fixed', String(window.endsAt), '']
    : ['rolling', String(window.ms), String(window.slots)];
}

function outcomesOf(reply: Reply, count: number): CheckOutcome[] {
  const outcomes: CheckOutcome[] = [];
  for (let i = 0; i < count; i++) {
    const at = 1 + i * 5;
    outcomes.push({
      allowed: reply[at] === 1,
      remaining: Number(reply[at + 1]),
      used: Number(reply[at + 2]),
      resetMs: Number(reply[at + 3]),
      retryAfterMs: Number(reply[at + 4]),
    });
  }
  return outcomes;
}

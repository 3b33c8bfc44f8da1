import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type Redis } from '../../../src/store/key-value-redis.js';
import { createMemoryTrafficStore } from '../../../src/traffic/store/memory.js';
import { createRedisTrafficStore } from '../../../src/traffic/store/redis.js';
import type { CounterWindow, LimitCheck, TrafficStore } from '../../../src/traffic/store/types.js';

// The Redis script mirrors the memory store's arithmetic (limit-math.ts) by hand. Beyond the cases
// of store.test.ts, one long pseudo-random story (the same seed for both) must get the very same
// answers from both stores: every outcome, every number.

const PREFIX = `t13:${randomUUID()}:`;
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const PERIOD_MS = 30_000;
let redis: Redis;
type Budget = Extract<LimitCheck, { kind: 'budget' }>;

beforeAll(async () => {
  redis = await connectRedis({ url: 'redis://127.0.0.1:6379' }, pino({ level: 'silent' }));
});
afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** mulberry32: a small seeded generator, so that both stores hear the same story. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The limits of the story at `now`: calendar periods of 30 s are named by their number. */
function limitsAt(now: number, amount: number): LimitCheck[] {
  const period = Math.floor((now - T0) / PERIOD_MS);
  const fixed: CounterWindow = { kind: 'fixed', endsAt: T0 + (period + 1) * PERIOD_MS };
  const last10s: CounterWindow = { kind: 'rolling', ms: 10_000, slots: 10 };
  return [
    { kind: 'bucket', key: 'rate:fractional', capacity: 3, refillPerMs: 7 / 1000, amount },
    { kind: 'bucket', key: 'rate:slow', capacity: 10, refillPerMs: 0.5 / 1000, amount },
    { kind: 'quota', key: `quota:${period}`, limit: 20, amount, window: fixed },
    { kind: 'quota', key: 'quota:rolling', limit: 15, amount, window: last10s },
    { kind: 'budget', key: `cost:${period}`, limit: 50, window: fixed },
    { kind: 'budget', key: 'cost:rolling', limit: 40, window: { kind: 'rolling', ms: 20_000, slots: 20 } },
  ];
}

async function story(store: TrafficStore, seed: number): Promise<unknown[]> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const heard: unknown[] = [];
  let now = T0 + 1;
  for (let step = 0; step < 1_500; step++) {
    now += Math.floor(next() * 400);
    const roll = next();
    const limits = limitsAt(now, 1 + Math.floor(next() * 3));
    if (roll < 0.7) {
      const checks = limits.filter(() => next() < 0.5);
      const ranking = { board: 'top', member: pick(['a', 'b', 'c', 'd']), expiresAt: now + 60_000 };
      heard.push(await store.admit(checks, now, ranking));
    } else if (roll < 0.85) {
      const cost = pick(limits.filter((check): check is Budget => check.kind === 'budget'));
      const amount = pick([0, 1, 2.5, 7, 12]);
      heard.push(await store.charge(cost.key, amount, cost.window, now));
    } else {
      heard.push(await store.peek(limits, now));
    }
  }
  heard.push(await store.top('top', 10));
  return heard;
}

describe('the memory and the redis traffic store', () => {
  it.each([1, 2, 3])('answer the same to the same story (seed %i)', async (seed) => {
    const memory = await story(createMemoryTrafficStore({ maxKeys: 10_000 }), seed);
    const shared = await story(createRedisTrafficStore(redis, `${PREFIX}${seed}:`), seed);
    expect(shared).toEqual(memory);
    // The story is worth telling: some requests pass, some are refused.
    const admissions = memory.filter(
      (entry) => typeof entry === 'object' && entry !== null && 'allowed' in entry,
    );
    expect(admissions.some((entry) => (entry as { allowed: boolean }).allowed)).toBe(true);
    expect(admissions.some((entry) => !(entry as { allowed: boolean }).allowed)).toBe(true);
  });
});

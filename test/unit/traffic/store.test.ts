import { randomUUID } from 'node:crypto';
import { Redis as RedisClient } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type Redis } from '../../../src/store/key-value-redis.js';
import { createMemoryTrafficStore } from '../../../src/traffic/store/memory.js';
import { createRedisTrafficStore } from '../../../src/traffic/store/redis.js';
import {
  TrafficStoreUnavailable,
  type CounterWindow,
  type LimitCheck,
  type TrafficStore,
} from '../../../src/traffic/store/types.js';

// One contract, two stores (STYLE.md: stores pass one suite): every test runs on the memory store
// and on a real Redis, each store under a prefix of its own.

const RUN = `t13:${randomUUID()}:`;
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const HOUR = 3_600_000;
let redis: Redis;

beforeAll(async () => {
  redis = await connectRedis({ url: 'redis://127.0.0.1:6379' }, pino({ level: 'silent' }));
});
afterAll(async () => {
  const keys = await redis.keys(`${RUN}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const stores: [string, (maxKeys?: number) => TrafficStore][] = [
  ['memory', (maxKeys = 100_000) => createMemoryTrafficStore({ maxKeys })],
  ['redis', () => createRedisTrafficStore(redis, `${RUN}${randomUUID()}:`)],
];

const fixed = (endsAt: number): CounterWindow => ({ kind: 'fixed', endsAt });
const rolling = (ms: number, slots: number): CounterWindow => ({ kind: 'rolling', ms, slots });
const bucket = (key: string, capacity: number, perSecond: number, amount = 1): LimitCheck => ({
  kind: 'bucket',
  key,
  capacity,
  refillPerMs: perSecond / 1000,
  amount,
});
const quota = (key: string, limit: number, window: CounterWindow, amount = 1): LimitCheck => ({
  kind: 'quota',
  key,
  limit,
  amount,
  window,
});
const budget = (key: string, limit: number, window: CounterWindow): LimitCheck => ({
  kind: 'budget',
  key,
  limit,
  window,
});

describe.each(stores)('the %s traffic store', (_name, open) => {
  it('lets a burst through, then refills a token per interval of the injected clock', async () => {
    const store = open();
    const rate = bucket('rate', 5, 10); // 5 at once, then one every 100 ms
    for (const remaining of [4, 3, 2, 1, 0]) {
      const { allowed, outcomes } = await store.admit([rate], T0);
      expect(allowed).toBe(true);
      expect(outcomes[0]).toEqual({
        allowed: true,
        remaining,
        used: 0,
        resetMs: (5 - remaining) * 100,
        retryAfterMs: 0,
      });
    }
    expect((await store.admit([rate], T0)).outcomes[0]).toEqual({
      allowed: false,
      remaining: 0,
      used: 0,
      resetMs: 500,
      retryAfterMs: 100,
    });
    expect((await store.admit([rate], T0 + 100)).allowed).toBe(true);
    expect((await store.admit([rate], T0 + 250)).allowed).toBe(true);
    expect((await store.admit([rate], T0 + 260)).outcomes[0]?.retryAfterMs).toBe(40);
    const later = await store.admit([rate], T0 + 10_000);
    expect(later.outcomes[0]).toMatchObject({ allowed: true, remaining: 4, resetMs: 100 });
  });

  it('takes a batch as several tokens, and says how long until enough are back', async () => {
    const store = open();
    expect((await store.admit([bucket('rate', 5, 10, 3)], T0)).outcomes[0]?.remaining).toBe(2);
    const refused = await store.admit([bucket('rate', 5, 10, 3)], T0);
    expect(refused.outcomes[0]).toMatchObject({ allowed: false, remaining: 2, retryAfterMs: 100 });
    expect((await store.admit([bucket('rate', 5, 10, 3)], T0 + 100)).allowed).toBe(true);
  });

  it('keeps a fractional rate exact over many requests', async () => {
    const store = open();
    const rate = bucket('rate', 7, 7); // a token every 142.857… ms
    for (let i = 0; i < 7; i++) expect((await store.admit([rate], T0)).allowed).toBe(true);
    // 700 more tokens come back in 100 s. The 700th is due at T0 + 100 s exactly, and adding 142.857…
    // to an epoch of 1.8e12 ms 700 times drifts by a fraction of a millisecond: it may pass on the
    // next tick, but none is lost or gained.
    let admitted = 0;
    for (let now = T0; now <= T0 + 100_010; now += 10)
      if ((await store.admit([rate], now)).allowed) admitted++;
    expect(admitted).toBe(700);
  });

  it('takes all checks or none: a refused second check takes nothing from the first', async () => {
    const store = open();
    const day = quota('quota', 10, fixed(T0 + HOUR));
    const ranking = { board: 'top:day', member: 'alice', expiresAt: T0 + HOUR };
    expect((await store.admit([day, bucket('rate', 1, 1)], T0, ranking)).allowed).toBe(true);
    const refused = await store.admit([day, bucket('rate', 1, 1)], T0, ranking);
    expect(refused.allowed).toBe(false);
    expect(refused.outcomes.map((outcome) => outcome.allowed)).toEqual([true, false]);
    expect(refused.outcomes[0]).toMatchObject({ used: 1, remaining: 9, retryAfterMs: 0 });
    const [standing] = await store.peek([day], T0);
    expect(standing).toMatchObject({ used: 1, remaining: 9 });
    // Nor does a refused first check take from a bucket that would pass.
    const spent = quota('spent', 1, fixed(T0 + HOUR));
    await store.admit([spent], T0);
    expect((await store.admit([spent, bucket('other', 1, 1)], T0)).allowed).toBe(false);
    expect((await store.admit([bucket('other', 1, 1)], T0)).allowed).toBe(true);
    expect(await store.top('top:day', 10)).toEqual([{ member: 'alice', requests: 1 }]);
  });

  it('counts a calendar quota to its limit, refuses until the period ends, then starts afresh', async () => {
    const store = open();
    const endsAt = T0 + HOUR;
    const today = (amount = 1) => quota('quota:day:1', 3, fixed(endsAt), amount);
    for (const used of [1, 2])
      expect((await store.admit([today()], T0)).outcomes[0]).toEqual({
        allowed: true,
        remaining: 3 - used,
        used,
        resetMs: HOUR,
        retryAfterMs: 0,
      });
    expect((await store.admit([today(2)], T0 + 1_000)).outcomes[0]).toEqual({
      allowed: false,
      remaining: 1,
      used: 2,
      resetMs: HOUR - 1_000,
      retryAfterMs: HOUR - 1_000,
    });
    expect((await store.admit([today()], T0 + 1_000)).allowed).toBe(true);
    expect((await store.admit([today()], endsAt - 1)).outcomes[0]).toMatchObject({
      allowed: false,
      retryAfterMs: 1,
    });
    // The next period is a new key (its id is in the key): the count starts afresh at endsAt.
    const tomorrow = quota('quota:day:2', 3, fixed(endsAt + 24 * HOUR));
    expect((await store.admit([tomorrow], endsAt)).outcomes[0]).toMatchObject({
      allowed: true,
      used: 1,
      resetMs: 24 * HOUR,
    });
  });

  it('counts a rolling quota by slots, giving capacity back as the oldest slot leaves', async () => {
    const store = open();
    const window = rolling(10_000, 10); // ten slots of a second
    const last10s = quota('quota:rolling', 3, window);
    for (const now of [T0 + 100, T0 + 2_500]) expect((await store.admit([last10s], now)).allowed).toBe(true);
    expect((await store.admit([last10s], T0 + 5_000)).outcomes[0]).toEqual({
      allowed: true,
      remaining: 0,
      used: 3,
      resetMs: 6_000,
      retryAfterMs: 0,
    });
    // The first slot [T0, T0 + 1 s) counts until T0 + 11 s, when no part of it is in the window.
    expect((await store.admit([last10s], T0 + 9_000)).outcomes[0]).toEqual({
      allowed: false,
      remaining: 0,
      used: 3,
      resetMs: 2_000,
      retryAfterMs: 2_000,
    });
    expect((await store.admit([last10s], T0 + 10_500)).outcomes[0]?.retryAfterMs).toBe(500);
    expect((await store.admit([last10s], T0 + 11_000)).outcomes[0]).toMatchObject({ allowed: true, used: 3 });
    // Two at once must wait for two slots to leave.
    const two = await store.admit([quota('quota:rolling', 3, window, 2)], T0 + 11_000);
    expect(two.outcomes[0]).toMatchObject({ allowed: false, retryAfterMs: 5_000 });
    expect((await store.admit([last10s], T0 + 60_000)).outcomes[0]).toMatchObject({
      allowed: true,
      used: 1,
      resetMs: 11_000,
    });
  });

  it('admits on a budget while it is not spent, and charges it afterwards', async () => {
    const store = open();
    const endsAt = T0 + HOUR;
    const cost = budget('cost', 10, fixed(endsAt));
    expect((await store.admit([cost], T0)).outcomes[0]).toEqual({
      allowed: true,
      remaining: 10,
      used: 0,
      resetMs: HOUR,
      retryAfterMs: 0,
    });
    await store.charge('cost', 7, fixed(endsAt), T0);
    await store.charge('cost', 0, fixed(endsAt), T0);
    await store.charge('cost', -3, fixed(endsAt), T0);
    expect((await store.admit([cost], T0)).outcomes[0]).toMatchObject({
      allowed: true,
      used: 7,
      remaining: 3,
    });
    await store.charge('cost', 5.5, fixed(endsAt), T0);
    expect((await store.admit([cost], T0 + 1_000)).outcomes[0]).toEqual({
      allowed: false,
      remaining: 0,
      used: 12.5,
      resetMs: HOUR - 1_000,
      retryAfterMs: HOUR - 1_000,
    });
    // A rolling budget comes back once the charged slot has left.
    const window = rolling(10_000, 10);
    await store.charge('cost:rolling', 10, window, T0);
    const spent = await store.admit([budget('cost:rolling', 10, window)], T0 + 3_000);
    expect(spent.outcomes[0]).toMatchObject({ allowed: false, retryAfterMs: 8_000 });
    expect((await store.admit([budget('cost:rolling', 10, window)], T0 + 11_000)).allowed).toBe(true);
  });

  it('peeks without taking anything, answering for a request of one', async () => {
    const store = open();
    const checks = [
      bucket('rate', 2, 1, 5),
      quota('quota', 5, fixed(T0 + HOUR), 5),
      budget('cost', 5, fixed(T0 + HOUR)),
    ];
    const fresh = [
      { allowed: true, remaining: 2, used: 0, resetMs: 0, retryAfterMs: 0 },
      { allowed: true, remaining: 5, used: 0, resetMs: HOUR, retryAfterMs: 0 },
      { allowed: true, remaining: 5, used: 0, resetMs: HOUR, retryAfterMs: 0 },
    ];
    expect(await store.peek(checks, T0)).toEqual(fresh);
    expect(await store.peek(checks, T0)).toEqual(fresh);
    await store.admit([bucket('rate', 2, 1, 2), quota('quota', 5, fixed(T0 + HOUR), 2)], T0);
    expect(await store.peek(checks, T0)).toEqual([
      { allowed: false, remaining: 0, used: 0, resetMs: 2_000, retryAfterMs: 1_000 },
      { allowed: true, remaining: 3, used: 2, resetMs: HOUR, retryAfterMs: 0 },
      fresh[2],
    ]);
  });

  it('ranks the members with the most admitted requests first', async () => {
    const store = open();
    const rankingOf = (member: string) => ({ board: 'top:day:2026-12-03', member, expiresAt: T0 + HOUR });
    for (const member of ['a', 'b', 'a', 'c', 'a', 'c']) await store.admit([], T0, rankingOf(member));
    expect(await store.top('top:day:2026-12-03', 2)).toEqual([
      { member: 'a', requests: 3 },
      { member: 'c', requests: 2 },
    ]);
    expect(await store.top('top:day:2026-12-03', 0)).toEqual([]);
    expect(await store.top('top:unknown', 5)).toEqual([]);
  });

  it('keeps a ranking to 10,000 members, dropping the smallest', async () => {
    const store = open();
    const rankingOf = (member: string) => ({ board: 'top:big', member, expiresAt: T0 + HOUR });
    for (let i = 0; i < 5; i++) await store.admit([], T0, rankingOf('heavy'));
    for (let start = 0; start < 10_100; start += 500)
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => store.admit([], T0, rankingOf(`m${start + i}`))),
      );
    const top = await store.top('top:big', 20_000);
    expect(top.length).toBeLessThanOrEqual(10_000);
    expect(top.length).toBeGreaterThan(8_000);
    expect(top[0]).toEqual({ member: 'heavy', requests: 5 });
  });

  it('admits exactly the quota under 500 concurrent requests', async () => {
    const store = open();
    const checks = [quota('quota', 300, fixed(T0 + HOUR)), bucket('rate', 1_000, 1)];
    const admissions = await Promise.all(Array.from({ length: 500 }, () => store.admit(checks, T0)));
    expect(admissions.filter((admission) => admission.allowed)).toHaveLength(300);
    expect((await store.peek(checks, T0))[0]).toMatchObject({ used: 300, remaining: 0 });
    expect((await store.peek(checks, T0))[1]).toMatchObject({ remaining: 700 });
  });
});

describe('the memory traffic store', () => {
  it('keeps at most maxKeys counters, forgetting the least recently used', async () => {
    const store = createMemoryTrafficStore({ maxKeys: 100 });
    const once = (i: number) => quota(`caller:${i}`, 1, fixed(T0 + HOUR));
    for (let i = 0; i < 1_000; i++) expect((await store.admit([once(i)], T0)).allowed).toBe(true);
    expect((await store.admit([once(999)], T0)).allowed).toBe(false);
    expect((await store.admit([once(0)], T0)).allowed).toBe(true); // forgotten: counted afresh
  });

  it('forgets a bucket once it is full again', async () => {
    const store = createMemoryTrafficStore({ maxKeys: 100 });
    expect((await store.admit([bucket('rate', 1, 1)], T0)).allowed).toBe(true);
    expect((await store.admit([bucket('rate', 1, 1)], T0 + 999)).allowed).toBe(false);
    expect((await store.admit([bucket('rate', 1, 1)], T0 + 1_000)).allowed).toBe(true);
  });
});

describe('the redis traffic store', () => {
  it('keeps every key under its prefix, expiring when nothing is left to remember', async () => {
    const prefix = `${RUN}ttl:`;
    const store = createRedisTrafficStore(redis, prefix);
    await store.admit(
      [
        bucket('rate', 10, 1, 4),
        quota('day', 5, fixed(T0 + HOUR)),
        quota('last-min', 5, rolling(60_000, 60)),
      ],
      T0,
      { board: 'top', member: 'me', expiresAt: T0 + HOUR },
    );
    expect(await redis.pttl(`${prefix}rate`)).toBeGreaterThan(3_900); // time to full: 4 s
    expect(await redis.pttl(`${prefix}rate`)).toBeLessThanOrEqual(4_000);
    expect(await redis.pttl(`${prefix}day`)).toBeGreaterThan(HOUR + 59_000); // period end + 60 s
    expect(await redis.pttl(`${prefix}last-min`)).toBeGreaterThan(60_000); // window + a slot
    expect(await redis.pttl(`${prefix}last-min`)).toBeLessThanOrEqual(61_000);
    expect(await redis.pttl(`${prefix}top`)).toBeGreaterThan(HOUR - 1_000); // the ranking's expiresAt
    expect(await redis.pttl(`${prefix}top`)).toBeLessThanOrEqual(HOUR);
  });

  it('rejects at once with TrafficStoreUnavailable when Redis does not answer', async () => {
    const down = new RedisClient('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const store = createRedisTrafficStore(down, `${RUN}down:`);
    const started = Date.now();
    await expect(store.admit([bucket('rate', 1, 1)], T0)).rejects.toBeInstanceOf(TrafficStoreUnavailable);
    await expect(store.peek([bucket('rate', 1, 1)], T0)).rejects.toBeInstanceOf(TrafficStoreUnavailable);
    await expect(store.charge('cost', 1, fixed(T0 + HOUR), T0)).rejects.toBeInstanceOf(
      TrafficStoreUnavailable,
    );
    await expect(store.top('top', 5)).rejects.toBeInstanceOf(TrafficStoreUnavailable);
    expect(Date.now() - started).toBeLessThan(500);
    down.disconnect();
  });
});

import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore, type KeyValueStore } from '../../../src/store/key-value.js';
import { connectRedis, RedisKeyValueStore, type Redis } from '../../../src/store/key-value-redis.js';

const logger = pino({ level: 'silent' });
let redis: Redis;

beforeAll(async () => {
  redis = await connectRedis({ url: 'redis://127.0.0.1:6379' }, logger);
});
afterAll(() => redis.disconnect());

// The same contract for both stores (STYLE.md: stores pass one suite).
const stores: [string, () => KeyValueStore][] = [
  ['memory', () => new MemoryKeyValueStore({ maxBytes: 1_000_000 })],
  ['redis', () => new RedisKeyValueStore(redis, `test:${randomUUID()}:`)],
];

describe.each(stores)('%s key-value store', (_name, open) => {
  it('gives back what was set, and nothing for unknown or deleted keys', async () => {
    const store = open();
    await store.set('a', 'alpha');
    expect(await store.get('a')).toBe('alpha');
    expect(await store.get('b')).toBeUndefined();
    await store.set('a', 'again');
    expect(await store.get('a')).toBe('again');
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('redis key-value store', () => {
  it('puts its prefix before every key and sets the TTL', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = new RedisKeyValueStore(redis, prefix);
    await store.set('k', 'v', 60);
    expect(await redis.get(`${prefix}k`)).toBe('v');
    const ttl = await redis.ttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    await store.set('forever', 'v');
    expect(await redis.ttl(`${prefix}forever`)).toBe(-1);
    await redis.del(`${prefix}k`, `${prefix}forever`);
  });

  it('refuses to start against a server that is not there, naming it', async () => {
    await expect(connectRedis({ url: 'redis://:secret@127.0.0.1:1/0' }, logger)).rejects.toThrow(
      /^Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: .*ECONNREFUSED/,
    );
  });

  it('fails commands at once, without queueing them, once the connection is gone', async () => {
    const client = await connectRedis({ url: 'redis://127.0.0.1:6379' }, logger);
    const store = new RedisKeyValueStore(client, `test:${randomUUID()}:`);
    client.disconnect();
    await expect(store.get('a')).rejects.toThrow();
  });
});

describe('memory key-value store bounds', () => {
  it('keeps at most maxBytes of keys and values, evicting the least recently used', async () => {
    const store = new MemoryKeyValueStore({ maxBytes: 100 });
    // Each entry weighs 2 (key) + 28 (value) = 30 bytes: three fit, a fourth evicts one.
    await store.set('k1', 'x'.repeat(28));
    await store.set('k2', 'x'.repeat(28));
    await store.set('k3', 'x'.repeat(28));
    expect(store.bytes).toBe(90);
    await store.get('k1'); // k1 is now the most recently used: k2 goes first
    await store.set('k4', 'x'.repeat(28));
    expect(store.bytes).toBe(90);
    expect(await store.get('k2')).toBeUndefined();
    expect(await store.get('k1')).toBeDefined();
    expect(await store.get('k3')).toBeDefined();
    expect(await store.get('k4')).toBeDefined();
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const store = new MemoryKeyValueStore({ maxBytes: 100 });
    await store.set('k', 'é'.repeat(10));
    expect(store.bytes).toBe(21);
  });

  it('does not keep a value larger than the whole bound, and keeps what it had', async () => {
    const store = new MemoryKeyValueStore({ maxBytes: 50 });
    await store.set('small', 'v');
    await store.set('big', 'x'.repeat(60));
    expect(await store.get('big')).toBeUndefined();
    expect(await store.get('small')).toBe('v');
    expect(store.bytes).toBe(6);
  });

  it('replacing a key frees what the old value weighed', async () => {
    const store = new MemoryKeyValueStore({ maxBytes: 100 });
    await store.set('k', 'x'.repeat(50));
    await store.set('k', 'y');
    expect(store.bytes).toBe(2);
    expect(store.size).toBe(1);
  });

  it('forgets an entry once its TTL has passed', async () => {
    let now = 1_000_000;
    const store = new MemoryKeyValueStore({ maxBytes: 100, now: () => now });
    await store.set('k', 'v', 10);
    await store.set('forever', 'v');
    now += 9_999;
    expect(await store.get('k')).toBe('v');
    now += 1;
    expect(await store.get('k')).toBeUndefined();
    expect(await store.get('forever')).toBe('v');
    expect(store.bytes).toBe(8);
  });
});

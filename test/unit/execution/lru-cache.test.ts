import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/execution/lru-cache.js';

describe('the byte-bounded LRU cache', () => {
  it('evicts the least recently used entries until a new one fits in its bytes', () => {
    const cache = new LruCache<string, string>({ maxBytes: 100 });
    expect(cache.set('a', 'A', 40)).toBe(true);
    expect(cache.set('b', 'B', 40)).toBe(true);
    expect(cache.get('a')).toBe('A'); // a is now the most recent: b goes first
    expect(cache.set('c', 'C', 40)).toBe(true);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    expect(cache.bytes).toBe(80);
    expect(cache.size).toBe(2);
  });

  it('lets one heavy entry push out many light ones, oldest first', () => {
    const cache = new LruCache<number, number>({ maxBytes: 1000 });
    for (let key = 0; key < 100; key++) cache.set(key, key, 10);
    expect(cache.size).toBe(100);
    cache.set(-1, -1, 950);
    expect(cache.bytes).toBe(1000);
    expect(cache.size).toBe(6);
    expect([95, 96, 97, 98, 99, -1].every((key) => cache.get(key) === key)).toBe(true);
    expect(cache.get(94)).toBeUndefined();
  });

  it('refuses an entry above the limit for one, and keeps the others', () => {
    const cache = new LruCache<string, string>({ maxBytes: 1000, maxEntryBytes: 100 });
    cache.set('small', 'S', 60);
    expect(cache.set('large', 'L', 101)).toBe(false);
    expect(cache.get('large')).toBeUndefined();
    expect(cache.get('small')).toBe('S');
    expect(cache.bytes).toBe(60);
    expect(cache.set('edge', 'E', 100)).toBe(true);
    // Setting a key again replaces its entry, and its bytes; a refused value leaves nothing behind.
    cache.set('small', 'S2', 30);
    expect(cache.bytes).toBe(130);
    expect(cache.set('small', 'S3', 500)).toBe(false);
    expect(cache.get('small')).toBeUndefined();
    expect(cache.bytes).toBe(100);
  });

  it('never holds more than its bytes, and nothing with no bytes at all', () => {
    const cache = new LruCache<number, number>({ maxBytes: 4096, maxEntryBytes: 1024 });
    for (let key = 0; key < 1000; key++) {
      cache.set(key, key, (key * 37) % 1100);
      expect(cache.bytes).toBeLessThanOrEqual(4096);
    }
    // The most recent entry that fitted is still there.
    expect(cache.get(999)).toBe(999);
    const none = new LruCache<string, string>({ maxBytes: 0 });
    expect(none.set('a', 'A', 1)).toBe(false);
    expect(none.size).toBe(0);
  });

  it('deletes and clears, giving the bytes back', () => {
    const cache = new LruCache<string, string>({ maxBytes: 100 });
    cache.set('a', 'A', 30);
    cache.set('b', 'B', 30);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.bytes).toBe(30);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});

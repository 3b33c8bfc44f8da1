import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../src/auth/ttl-cache.js';

describe('TtlCache', () => {
  it('expires entries and evicts the least recently used when full', () => {
    let now = 0;
    const cache = new TtlCache<number>(2, 100, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    now = 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('stores nothing with a zero TTL', () => {
    const cache = new TtlCache<number>(10, 0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps the bytes it was told within maxBytes, oldest out first, and refuses an entry larger than all', () => {
    const cache = new TtlCache<string>(100, 1_000, Date.now, 10);
    cache.set('a', 'A', undefined, 4);
    cache.set('b', 'B', undefined, 4);
    expect(cache.bytes).toBe(8);
    cache.set('c', 'C', undefined, 4);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c')]).toEqual(['B', 'C']);
    expect(cache.bytes).toBe(8);
    cache.set('huge', 'H', undefined, 11);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('b', 'B2', undefined, 2);
    expect(cache.bytes).toBe(6);
  });
});

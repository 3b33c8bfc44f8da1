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
});

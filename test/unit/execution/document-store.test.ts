import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { boundedDocumentStore, documentBytes } from '../../../src/execution/plan/document-store.js';

function aliased(aliases: number): string {
  return `{ ${Array.from({ length: aliases }, (_, i) => `f${i}: hello`).join(' ')} }`;
}

describe("the gateway's document store", () => {
  it('weighs a parsed document by its tokens, well above the length of its JSON', () => {
    const small = parse('{ hello }');
    const large = parse(aliased(1000));
    // 3,002 tokens (plus the start and end of the text): an alias, a colon and a name per field.
    expect(documentBytes(large)).toBe(450 * 3004 + 2 * aliased(1000).length);
    expect(documentBytes(large)).toBeGreaterThan(4 * JSON.stringify(large).length);
    expect(documentBytes(small)).toBeLessThan(documentBytes(large) / 100);
  });

  it('keeps documents within its bytes, and none above its limit for one', async () => {
    const store = boundedDocumentStore({ maxBytes: 64 * 1024, maxEntryBytes: 16 * 1024 });
    const small = parse('{ hello }');
    await store.set('small', small);
    expect(await store.get('small')).toBe(small);
    await store.set('large', parse(aliased(100)));
    expect(await store.get('large')).toBeUndefined();
    for (let i = 0; i < 100; i++) await store.set(`other ${i}`, parse(`{ a${i}: hello }`));
    expect(await store.get('small')).toBeUndefined();
    expect(await store.get('other 99')).toBeDefined();
    await store.delete('other 99');
    expect(await store.get('other 99')).toBeUndefined();
  });
});

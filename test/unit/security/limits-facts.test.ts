import { readFileSync } from 'node:fs';
import { getIntrospectionQuery, parse } from 'graphql';
import { LIMIT_DEFAULTS } from '../../../src/config/security-schema.js';
import { describe, expect, it } from 'vitest';
import { COUNT_CAP, factsOf } from '../../../src/security/limits/facts.js';

const operationFacts = (query: string, name?: string) => factsOf(parse(query)).operation(name);

describe('operation-limit facts: depth', () => {
  it.each([
    ['{ __typename }', 1],
    ['{ me { id } }', 2],
    ['{ me { id reviews { body product { upc } } } }', 4],
    // Introspection counts like any field.
    ['{ __schema { types { fields { type { ofType { name } } } } } }', 6],
    // Inline fragments add no level.
    ['{ me { ... on User { ... { reviews { body } } } } }', 3],
  ])('%s is %i deep', (query, depth) => {
    expect(operationFacts(query)?.depth).toBe(depth);
  });

  it('goes through fragment spreads, at the level each spread sits', () => {
    const query = `
      query { me { ...A } topProducts { upc } }
      fragment A on User { id reviews { ...B } }
      fragment B on Review { product { reviews { body } } }
    `;
    // me(1) reviews(2) product(3) reviews(4) body(5)
    expect(operationFacts(query)?.depth).toBe(5);
  });

  it('measures the benchmark query at depth 8', () => {
    const benchQuery = readFileSync('bench/query.graphql', 'utf8');
    expect(operationFacts(benchQuery)).toMatchObject({ depth: 8, rootFields: 2, aliases: 0 });
  });

  it('lets the standard introspection query (15 deep) through the default maxDepth', () => {
    for (const options of [{}, { descriptions: true, inputValueDeprecation: true, oneOf: true }]) {
      const depth = operationFacts(getIntrospectionQuery(options))?.depth;
      expect(depth).toBe(15);
      expect(depth).toBeLessThanOrEqual(LIMIT_DEFAULTS.maxDepth);
    }
  });

  it('makes a fragment cycle infinitely deep and names it', () => {
    const query = `
      { me { ...A } }
      fragment A on User { reviews { ...B } }
      fragment B on Review { author { ...C } }
      fragment C on User { ...A }
    `;
    const facts = operationFacts(query);
    expect(facts?.depth).toBe(Infinity);
    expect(facts?.cycle).toEqual(['A', 'B', 'C', 'A']);
  });

  it('treats a fragment spreading itself as a cycle', () => {
    expect(operationFacts('{ me { ...A } } fragment A on User { id ...A }')?.cycle).toEqual(['A', 'A']);
  });

  it('lets an unknown fragment reach nothing (validation refuses it later)', () => {
    expect(operationFacts('{ me { id ...Missing } }')).toMatchObject({ depth: 2, spreads: 1 });
  });

  it('follows a chain of 20,000 fragments without running out of stack', () => {
    const length = 20_000;
    const chain = Array.from(
      { length },
      (_, index) =>
        `fragment F${index} on User { ${index + 1 < length ? `reviews { author { ...F${index + 1} } }` : 'id'} }`,
    ).join('\n');
    const facts = operationFacts(`{ me { ...F0 } }\n${chain}`);
    expect(facts?.depth).toBe(1 + 2 * (length - 1) + 1);
    expect(facts?.spreads).toBe(length);
  });
});

describe('operation-limit facts: counts', () => {
  it('counts aliases each time their fragment is reached', () => {
    const query = `
      { a: me { ...U } b: me { ...U } }
      fragment U on User { first: id second: username }
    `;
    expect(operationFacts(query)).toMatchObject({ aliases: 2 + 2 * 2, spreads: 2, rootFields: 2 });
  });

  it('counts root fields through top-level spreads and inline fragments, not nested ones', () => {
    const query = `
      { me { id } ... on Query { topProducts { upc } } ...Roots }
      fragment Roots on Query { users { id } a: __typename }
    `;
    expect(operationFacts(query)?.rootFields).toBe(4);
  });

  it('saturates instead of growing exponentially through a fan-out of fragments', () => {
    // Each fragment spreads the next one twice: 2^60 reaches, measured in linear time.
    const levels = 60;
    const fragments = Array.from({ length: levels }, (_, index) =>
      index + 1 < levels
        ? `fragment F${index} on Query { ...F${index + 1} ...F${index + 1} }`
        : `fragment F${index} on Query { x: __typename }`,
    ).join('\n');
    const facts = operationFacts(`{ ...F0 }\n${fragments}`);
    expect(facts?.aliases).toBe(COUNT_CAP);
    expect(facts?.spreads).toBe(COUNT_CAP);
    expect(facts?.depth).toBe(1);
  });

  it('counts directives anywhere in the document and fragment definitions', () => {
    const query = `
      query Q($a: Boolean @deprecated) @live { me @include(if: $a) { id @skip(if: true) } }
      fragment Unused on User @x { id @y @z }
    `;
    const facts = factsOf(parse(query));
    expect(facts.directives).toBe(7);
    expect(facts.fragments).toBe(1);
  });

  it('selects the operation as Apollo Server does: by name, or the only one', () => {
    const document = parse('query A { me { id } } query B { __typename }');
    expect(factsOf(document).operation('A')?.depth).toBe(2);
    expect(factsOf(document).operation('B')?.depth).toBe(1);
    expect(factsOf(document).operation(undefined)).toBeUndefined();
    expect(factsOf(document).operation('C')).toBeUndefined();
  });

  it('computes a document once (cached on the DocumentNode)', () => {
    const document = parse('{ me { id } }');
    expect(factsOf(document)).toBe(factsOf(document));
  });
});

import { describe, expect, it } from 'vitest';
import {
  parseExpression,
  parseSelection,
  parseTemplate,
  selectionShape,
  variableReferences,
  type OutputShape,
} from '../../../../src/connectors/language/index.js';

/** A shape as plain data: objects become `{ key: [line, column, nested] }`, any becomes 'any'. */
function plain(shape: OutputShape): unknown {
  if (shape.kind === 'any') return 'any';
  return Object.fromEntries(
    [...shape.fields].map(([key, field]) => [key, [field.line, field.column, plain(field.shape)]]),
  );
}

describe('variableReferences', () => {
  it('lists named variables with their static paths and positions', () => {
    const selection = parseSelection(`id: $args.id
  upc: $this.product.upc->first.ignored
  same: $.x
  o: $({ c: $config."api key" })
  m: kind->match([$context.kind, 1], [@, 2])
  sub: $request.headers { auth }`);
    expect(variableReferences(selection)).toEqual([
      { variable: '$args', path: ['id'], line: 1, column: 5 },
      { variable: '$this', path: ['product', 'upc'], line: 2, column: 8 },
      { variable: '$config', path: ['api key'], line: 4, column: 13 },
      { variable: '$context', path: ['kind'], line: 5, column: 19 },
      { variable: '$request', path: ['headers'], line: 6, column: 8 },
    ]);
  });

  it('reads templates and expressions', () => {
    const template = parseTemplate("/p/{$this.id}?ids={$batch.id->joinNotNull(',')}&q={$args.a?.b}");
    expect(variableReferences(template)).toEqual([
      { variable: '$this', path: ['id'], line: 1, column: 5 },
      { variable: '$batch', path: ['id'], line: 1, column: 20 },
      { variable: '$args', path: ['a', 'b'], line: 1, column: 52 },
    ]);
    expect(variableReferences(parseExpression('$config'))).toEqual([
      { variable: '$config', path: [], line: 1, column: 1 },
    ]);
  });
});

describe('selectionShape', () => {
  it('gives the nested output keys with the position of each key', () => {
    const selection = parseSelection(`id
name: title
"weird key"
author { id profile: { bio } }
...$.extra { a }
items: $.list { sku }`);
    expect(plain(selectionShape(selection))).toEqual({
      id: [1, 1, 'any'],
      name: [2, 1, 'any'],
      'weird key': [3, 1, 'any'],
      author: [4, 1, { id: [4, 10, 'any'], profile: [4, 13, { bio: [4, 24, 'any'] }] }],
      a: [5, 14, 'any'],
      items: [6, 1, { sku: [6, 17, 'any'] }],
    });
  });

  it('gives the sub-shape of a top-level path selection, or any', () => {
    expect(plain(selectionShape(parseSelection('$.data { id }')))).toEqual({ id: [1, 10, 'any'] });
    expect(plain(selectionShape(parseSelection('$.estimate')))).toBe('any');
    expect(plain(selectionShape(parseSelection('a: b->first')))).toEqual({ a: [1, 1, 'any'] });
  });
});

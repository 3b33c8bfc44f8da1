import { describe, expect, it } from 'vitest';
import {
  parseExpression,
  parseSelection,
  SelectionSyntaxError,
} from '../../../../src/connectors/language/index.js';
import { value } from './helpers.js';

function syntaxError(parse: () => unknown): SelectionSyntaxError {
  try {
    parse();
  } catch (error) {
    if (error instanceof SelectionSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a SelectionSyntaxError');
}

describe('parsing selections', () => {
  it('accepts comments and arbitrary whitespace between tokens', () => {
    const selection = `
      # the id first
      id   # trailing comment
      name:
        title
      nested: $ . a  .  b
    `;
    expect(value(selection, { id: 1, title: 'T', a: { b: 2 } })).toEqual({ id: 1, name: 'T', nested: 2 });
  });

  it('parses an empty selection to an empty object', () => {
    expect(value('  # nothing\n', { a: 1 })).toEqual({});
  });

  it('accepts trailing commas in literal arrays, objects and method arguments', () => {
    expect(value('a: $([1, 2,]) b: $({ x: 1, }) c: $("abc")->slice(0, 2,)', {})).toEqual({
      a: [1, 2],
      b: { x: 1 },
      c: 'ab',
    });
  });

  it('parses single- and double-quoted strings with escaped quotes', () => {
    expect(value(`a: $('it\\'s') b: $("say \\"hi\\"")`, {})).toEqual({ a: "it's", b: 'say "hi"' });
  });

  it('parses numbers: negative, fractional, leading dot, trailing dot', () => {
    expect(value('a: $(-1) b: $(2.5) c: $(.5) d: $(3.)', {})).toEqual({ a: -1, b: 2.5, c: 0.5, d: 3 });
  });

  it('parses a template expression on its own', () => {
    expect(parseExpression(" $batch.id->joinNotNull(',') ").kind).toBe('expression');
  });
});

describe('syntax errors carry the exact line and column', () => {
  it('reports a method arrow without a path on line 2', () => {
    const error = syntaxError(() => parseSelection('id\n  name: ->'));
    expect([error.line, error.column, error.offset]).toEqual([2, 9, 11]);
    expect(error.message).toBe("Expected a path but found '-' (line 2, column 9)");
  });

  it('reports an unterminated string at its opening quote', () => {
    const error = syntaxError(() => parseSelection('id\n  "abc'));
    expect([error.line, error.column, error.offset]).toEqual([2, 3, 5]);
    expect(error.message).toMatch(/^Unterminated string literal/);
  });

  it('reports an unknown method at its name', () => {
    const error = syntaxError(() => parseSelection('a: b->nope'));
    expect([error.line, error.column, error.offset]).toEqual([1, 7, 6]);
    expect(error.message).toMatch(/^Unknown method ->nope/);
  });

  it('reports a missing closing brace at the end of the input', () => {
    const error = syntaxError(() => parseSelection('user {\n  id\n'));
    expect([error.line, error.column, error.offset]).toEqual([3, 1, 12]);
  });

  it('rejects an anonymous path without a sub-selection among other fields', () => {
    const error = syntaxError(() => parseSelection('id\n$.a.b\nname'));
    expect([error.line, error.column]).toEqual([2, 1]);
    expect(error.message).toMatch(/needs an alias/);
  });

  it('rejects a stray closing brace', () => {
    const error = syntaxError(() => parseSelection('id }'));
    expect([error.line, error.column]).toEqual([1, 4]);
  });

  it('reads `$ args` as `$` then a field (no space allowed inside a variable name)', () => {
    expect(value('a: $ args', { args: 1 })).toEqual({ a: { args: 1 }, args: 1 });
  });

  it('rejects trailing text after an expression', () => {
    const error = syntaxError(() => parseExpression('$args.id )'));
    expect([error.line, error.column]).toEqual([1, 10]);
  });

  it('rejects a key step without a key', () => {
    const error = syntaxError(() => parseSelection('a: b.\n'));
    expect([error.line, error.column]).toEqual([2, 1]);
  });
});

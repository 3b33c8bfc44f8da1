import { describe, expect, it } from 'vitest';
import { messages, run, value } from './helpers.js';

/** Applies `$->...` style expressions to `data` and returns `{ value, messages }`. */
function apply(selection: string, data: unknown): { value: unknown; messages: string[] } {
  const result = run(selection, data);
  return { value: result.value, messages: messages(result) };
}

// A top-level array input maps the whole selection over its elements, so arrays are nested under `l`.
describe('array and string methods', () => {
  it('->first and ->last on arrays and strings', () => {
    expect(value('a: $.l->first b: $.l->last', { l: [1, 2, 3] })).toEqual({ a: 1, b: 3 });
    expect(value('a: $->first b: $->last', 'héllo✓')).toEqual({ a: 'h', b: '✓' });
  });

  it('->first and ->last of empty input are absent without error', () => {
    expect(apply('a: $.l->first b: $.l->last', { l: [] })).toEqual({ value: {}, messages: [] });
    expect(apply('a: $->first', '')).toEqual({ value: {}, messages: [] });
  });

  it('->first on a wrong type is absent with an error', () => {
    expect(apply('a: $->first', 5)).toEqual({
      value: {},
      messages: ['Method ->first requires an array or string input, but received number'],
    });
    expect(apply('a: $.l->last(1)', { l: [1] })).toEqual({
      value: {},
      messages: ['Method ->last does not take any arguments'],
    });
  });

  it('->slice on arrays and strings, including negative and missing end', () => {
    expect(
      value('a: $.l->slice(1, 3) b: $.l->slice(-1) c: $.s->slice(0, 2) d: $.l->slice(5)', {
        l: [1, 2, 3, 4],
        s: 'é✓x',
      }),
    ).toEqual({
      a: [2, 3],
      b: [4],
      c: 'é✓',
      d: [],
    });
    expect(apply('a: $.l->slice("x")', { l: [1] }).messages).toEqual([
      'Method ->slice requires integer arguments, but argument 1 is string',
    ]);
    expect(apply('a: $->slice(0)', true).messages).toEqual([
      'Method ->slice requires an array or string input, but received boolean',
    ]);
  });

  it('->size of arrays, strings and objects', () => {
    expect(
      value('a: $.l->size b: $.s->size c: $.o->size d: $.e->size', {
        l: [1, 2],
        s: 'é✓',
        o: { x: 1 },
        e: [],
      }),
    ).toEqual({
      a: 2,
      b: 2,
      c: 1,
      d: 0,
    });
    expect(apply('a: $->size', 3).messages).toEqual([
      'Method ->size requires an array, string or object input, but received number',
    ]);
  });

  it('->map binds @ to each element and wraps a single value', () => {
    expect(
      value('a: $.l->map({ v: @ }) b: $.one->map(@->add(1)) c: $.e->map(@)', { l: [1, 2], one: 1, e: [] }),
    ).toEqual({
      a: [{ v: 1 }, { v: 2 }],
      b: [2],
      c: [],
    });
  });

  it('->joinNotNull skips nulls, accepts scalars and rejects nested values', () => {
    expect(
      value(
        "a: $.l->joinNotNull(',') b: $.n->joinNotNull('|') c: $.s->joinNotNull(',') d: $.e->joinNotNull(',')",
        {
          l: ['a', null, 1, true],
          n: [null, null],
          s: 'x',
          e: [],
        },
      ),
    ).toEqual({ a: 'a,1,true', b: '', c: 'x', d: '' });
    expect(apply("a: $->joinNotNull(',')", [{ a: 1 }]).messages).toEqual([
      'Method ->joinNotNull requires an array of scalar values as input',
    ]);
    expect(apply('a: $->joinNotNull(1)', ['x']).messages).toEqual([
      'Method ->joinNotNull requires a string argument, but received number',
    ]);
  });

  it('->get, ->has, ->contains, ->in, ->filter and ->find', () => {
    const data = { l: [1, 2, 3, 4], o: { k: 'v' } };
    expect(
      value(
        'g: $.l->get(-1) k: $.o->get("k") h: $.o->has("k") nh: $.o->has("z") c: $.l->contains(2) i: $(2)->in($.l) f: $.l->filter(@->gt(2)) d: $.l->find(@->mod(2)->eq(0))',
        data,
      ),
    ).toEqual({ g: 4, k: 'v', h: true, nh: false, c: true, i: true, f: [3, 4], d: 2 });
    expect(apply('a: $.l->get(9)', data).messages).toEqual(['Method ->get(9) index out of bounds']);
    expect(apply('a: $.o->filter(@)', data).messages).toEqual([
      'Method ->filter requires an array input, but received object',
    ]);
  });

  it('->split and ->trim', () => {
    expect(value('a: $->split(",") b: $->split("") c: $(" x ")->trim', 'a,b')).toEqual({
      a: ['a', 'b'],
      b: ['a', ',', 'b'],
      c: 'x',
    });
    expect(apply('a: $->trim', 1).messages).toEqual([
      'Method ->trim requires a string input, but received number',
    ]);
  });
});

describe('object and JSON methods', () => {
  it('->entries, ->keys and ->values', () => {
    expect(value('e: $->entries k: $->keys v: $->values ek: $->entries.key', { a: 1, b: 'x' })).toEqual({
      e: [
        { key: 'a', value: 1 },
        { key: 'b', value: 'x' },
      ],
      k: ['a', 'b'],
      v: [1, 'x'],
      ek: ['a', 'b'],
    });
    expect(value('e: $->entries', {})).toEqual({ e: [] });
    expect(apply('e: $.l->entries', { l: [1] }).messages).toEqual([
      'Method ->entries requires an object input, but received array',
    ]);
  });

  it('->jsonStringify and ->jsonParse', () => {
    expect(value('s: $->jsonStringify p: $(\'{"a":[1]}\')->jsonParse', { a: [1, 'x'] })).toEqual({
      s: '{"a":[1,"x"]}',
      p: { a: [1] },
    });
    expect(apply('p: $->jsonParse', '{nope').messages).toEqual(['Method ->jsonParse received invalid JSON']);
  });

  it('->typeof, ->toString and ->parseInt', () => {
    expect(
      value('t: $.l->typeof n: $.z->typeof s: $.n->toString i: $.s->parseInt h: $.h->parseInt(16)', {
        l: [],
        z: null,
        n: 12,
        s: '42',
        h: 'ff',
      }),
    ).toEqual({
      t: 'array',
      n: 'null',
      s: '12',
      i: 42,
      h: 255,
    });
    expect(apply('i: $->parseInt', 'abc').messages).toEqual(['Method ->parseInt could not parse "abc"']);
  });
});

describe('logic and arithmetic methods', () => {
  it('->echo returns its argument', () => {
    expect(value('a: $->echo("Book") b: $.x->echo([@, @])', { x: 1 })).toEqual({ a: 'Book', b: [1, 1] });
    expect(apply('a: $->echo', 1).messages).toEqual(['Method ->echo requires exactly one argument']);
  });

  it('->eq, ->ne and comparisons', () => {
    expect(
      value('a: $.o->eq({ b: [1] }) b: $.n->ne(2) c: $.n->gt(1) d: $.n->lte(0) e: $.s->lt("b")', {
        o: { b: [1] },
        n: 1,
        s: 'a',
      }),
    ).toEqual({
      a: true,
      b: true,
      c: false,
      d: false,
      e: true,
    });
    expect(apply('a: $->gt("x")', 1).messages).toEqual([
      'Method ->gt requires two numbers or two strings, but received number and string',
    ]);
  });

  it('->not, ->and and ->or use JSON truthiness', () => {
    expect(
      value('a: $.t->not b: $.t->and($.f) c: $.f->or($.t) d: $.e->not e: $.t->and($.t, 1)', {
        t: true,
        f: false,
        e: '',
      }),
    ).toEqual({
      a: false,
      b: false,
      c: true,
      d: true,
      e: true,
    });
  });

  it('arithmetic methods, variadic, with errors for wrong types and division by zero', () => {
    expect(value('a: $->add(2, 3) s: $->sub(1) m: $->mul(3) d: $->div(4) r: $->mod(4)', 10)).toEqual({
      a: 15,
      s: 9,
      m: 30,
      d: 2.5,
      r: 2,
    });
    expect(apply('d: $->div(0)', 1).messages).toEqual(['Method ->div cannot divide by zero']);
    expect(apply('d: $->add("1")', 1).messages).toEqual([
      'Method ->add requires numbers, but received number and string',
    ]);
  });
});

describe('->match and ->matchIf', () => {
  const selection = `kind: kind->match(
    ["dog", "CANINE"],   # comments inside arguments
    ["cat", "FELINE"],
    [@, "OTHER"],
  )`;

  it('returns the value of the first matching pair', () => {
    expect(value(selection, { kind: 'cat' })).toEqual({ kind: 'FELINE' });
  });

  it('falls back to the [@, default] pair', () => {
    expect(value(selection, { kind: 'axolotl' })).toEqual({ kind: 'OTHER' });
  });

  it('matches non-string candidates by deep equality', () => {
    expect(value('a: $.l->match([1, "one"], [[1], "list"])', { l: [1] })).toEqual({ a: 'list' });
  });

  it('is absent with an error when nothing matches', () => {
    expect(apply('k: kind->match(["dog", "CANINE"])', { kind: 'cat' })).toEqual({
      value: {},
      messages: ['Method ->match did not match any [candidate, value] pair'],
    });
  });

  it('matchIf tests conditions against @', () => {
    expect(value('s: $->matchIf([@->gt(10), "big"], [true, "small"])', 3)).toEqual({ s: 'small' });
  });

  it('reports arguments that are not pairs', () => {
    expect(apply('k: $->match("x")', 'x').messages).toEqual([
      'Method ->match requires [candidate, value] pairs, but argument 1 is not one',
      'Method ->match did not match any [candidate, value] pair',
    ]);
  });
});

describe('methods on absent input', () => {
  it('stay absent and add no error beyond the missing property', () => {
    expect(messages(run('a: $.missing->first b: $.missing->size', {}))).toEqual([
      'Property .missing not found in object',
      'Property .missing not found in object',
    ]);
  });

  it('are skipped by ?', () => {
    expect(run('a: $.n?->slice(0, 1)', { n: null })).toEqual({ value: {}, errors: [] });
  });

  it('record the method in the error path', () => {
    expect(run('a: $.l->first', { l: 5 }).errors).toEqual([
      {
        message: 'Method ->first requires an array or string input, but received number',
        path: ['l', '->first'],
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { messages, run, value } from './helpers.js';

const product = {
  id: 7,
  title: 'Lamp',
  'weird key': 'w',
  'first name': 'Ada',
  address: { city: 'Paris', zip: '75001' },
  tags: ['a', 'b'],
  variants: [
    { sku: 'x1', price: { amount: 10 } },
    { sku: 'x2', price: { amount: 12 } },
  ],
};

describe('named selections', () => {
  it('selects fields, renames and quoted keys', () => {
    expect(value('id name: title "weird key" first: "first name"', product)).toEqual({
      id: 7,
      name: 'Lamp',
      'weird key': 'w',
      first: 'Ada',
    });
  });

  it('selects paths with $. and bare dotted keys', () => {
    expect(value('city: $.address.city zip: address.zip', product)).toEqual({ city: 'Paris', zip: '75001' });
  });

  it('selects nested sub-selections and keeps the output order of the selection', () => {
    const result = value('address { zip city } id', product);
    expect(result).toEqual({ address: { zip: '75001', city: 'Paris' }, id: 7 });
    expect(Object.keys(result as object)).toEqual(['address', 'id']);
  });

  it('maps sub-selections over arrays element-wise', () => {
    expect(value('variants { sku cost: price.amount }', product)).toEqual({
      variants: [
        { sku: 'x1', cost: 10 },
        { sku: 'x2', cost: 12 },
      ],
    });
  });

  it('maps key paths over arrays', () => {
    expect(value('skus: variants.sku amounts: variants.price.amount', product)).toEqual({
      skus: ['x1', 'x2'],
      amounts: [10, 12],
    });
  });

  it('applies a whole selection to each element of a top-level array', () => {
    expect(value('id', [{ id: 1 }, { id: 2 }])).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('groups fields under an alias', () => {
    expect(value('id where: { city: address.city }', product)).toEqual({ id: 7, where: { city: 'Paris' } });
  });

  it('binds $ to each element inside a sub-selection', () => {
    expect(value('friends: ids { id: $ }', { ids: [1, 2] })).toEqual({ friends: [{ id: 1 }, { id: 2 }] });
  });

  it('merges anonymous path selections and ... spreads', () => {
    expect(value('id address { city } ...$.address { zip }', product)).toEqual({
      id: 7,
      address: { city: 'Paris' },
      zip: '75001',
    });
    expect(value('id ...address', product)).toEqual({ id: 7, city: 'Paris', zip: '75001' });
  });

  it('returns a lone top-level path selection as the whole value', () => {
    expect(value('$.address { city }', product)).toEqual({ city: 'Paris' });
    expect(value('$.variants { sku }', product)).toEqual([{ sku: 'x1' }, { sku: 'x2' }]);
    expect(value('address.city', product)).toBe('Paris');
    expect(value('$', 5)).toBe(5);
  });

  it('keeps null values and null sub-selections', () => {
    expect(value('a b { c }', { a: null, b: null })).toEqual({ a: null, b: null });
  });

  it('treats "__proto__" as an ordinary output key', () => {
    const result = value('"__proto__": $("x")', {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__']);
  });
});

describe('variables', () => {
  const vars = {
    $args: { id: '1', filter: { q: 'x' } },
    $this: { upc: 'u1' },
    $config: { region: 'eu' },
    $context: { user: 'ada' },
    $batch: [{ id: 1 }, { id: 2 }],
    $request: { headers: { 'x-tenant': ['t1'] } },
    $status: 200,
  };

  it('looks up any $name variable', () => {
    expect(
      value(
        'id: $args.id q: $args.filter.q upc: $this.upc region: $config.region user: $context.user ids: $batch.id tenant: $request.headers."x-tenant"->first status: $status',
        {},
        vars,
      ),
    ).toEqual({
      id: '1',
      q: 'x',
      upc: 'u1',
      region: 'eu',
      user: 'ada',
      ids: [1, 2],
      tenant: 't1',
      status: 200,
    });
  });

  it('selects sub-fields of a variable', () => {
    expect(value('$args { id }', {}, vars)).toEqual({ id: '1' });
  });

  it('reports an unknown variable and omits the key', () => {
    const result = run('a: $nope.x b: $(1)', {}, vars);
    expect(result.value).toEqual({ b: 1 });
    expect(result.errors).toEqual([{ message: 'Variable $nope not found', path: ['$nope'] }]);
  });
});

describe('literals', () => {
  it('evaluates every literal kind', () => {
    expect(
      value(
        's: $("x") n: $(1) t: $(true) f: $(false) z: $(null) o: $({ "a": 1, b: [2] }) l: $([1, "2", null])',
        {},
      ),
    ).toEqual({ s: 'x', n: 1, t: true, f: false, z: null, o: { a: 1, b: [2] }, l: [1, '2', null] });
  });

  it('evaluates paths and methods inside literals', () => {
    expect(
      value('o: $({ id: $.id, first: tags->first, size: "abc"->size, nine: -1->add(10) })', product),
    ).toEqual({
      o: { id: 7, first: 'a', size: 3, nine: 9 },
    });
  });

  it('keeps $ bound to the enclosing value inside method arguments, and @ to the input', () => {
    expect(value('a: tags->echo({ all: @, id: $.id })', product)).toEqual({ a: { all: ['a', 'b'], id: 7 } });
  });
});

describe('odd and missing input', () => {
  it('omits missing fields and reports them', () => {
    const result = run('id missing nested: address.nope', product);
    expect(result.value).toEqual({ id: 7 });
    expect(result.errors).toEqual([
      { message: 'Property .missing not found in object', path: ['missing'] },
      { message: 'Property .nope not found in object', path: ['address', 'nope'] },
    ]);
  });

  it('never throws when a string or number stands where an object is expected', () => {
    const result = run('title { a } id { b } x: title.y', product);
    expect(result.value).toEqual({ title: {}, id: {} });
    expect(messages(result)).toEqual([
      'Property .a not found in string',
      'Property .b not found in number',
      'Property .y not found in string',
    ]);
  });

  it('gives absent for a selection over undefined and null for null input', () => {
    expect(run('id', undefined)).toEqual({ value: undefined, errors: [] });
    expect(run('id', null)).toEqual({ value: null, errors: [] });
  });

  it('short-circuits ?-marked paths without errors', () => {
    expect(run('a: $.x?.y b: $.n?.y', { n: null })).toEqual({
      value: {},
      errors: [{ message: 'Property .x not found in object', path: ['x'] }],
    });
  });

  it('turns absent array elements into null and reports the index', () => {
    const result = run('names: people.name', { people: [{ name: 'a' }, {}] });
    expect(result.value).toEqual({ names: ['a', null] });
    expect(result.errors).toEqual([
      { message: 'Property .name not found in object', path: ['people', 1, 'name'] },
    ]);
  });

  it('reports merging a non-object', () => {
    const result = run('id ...$.tags', product);
    expect(result.value).toEqual({ id: 7 });
    expect(messages(result)).toEqual(['Cannot merge a value of type array into an object']);
  });
});

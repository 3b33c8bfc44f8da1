import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  renderHeaderValue,
  renderUrl,
  SelectionSyntaxError,
  type Variables,
} from '../../../../src/connectors/language/index.js';

function url(template: string, variables: Variables): string {
  const result = renderUrl(parseTemplate(template), variables);
  expect(result.errors).toEqual([]);
  return result.url;
}

describe('URL templates', () => {
  it('keeps the literal text and fills path and query slots', () => {
    expect(
      url('https://api.example.com/products/{$this.id}?q={$args.q}&limit=10', {
        $this: { id: 42 },
        $args: { q: 'lamp' },
      }),
    ).toBe('https://api.example.com/products/42?q=lamp&limit=10');
  });

  it('percent-encodes every structural character and non-ASCII text in a path slot', () => {
    expect(url('/p/{$args.v}/x', { $args: { v: 'a/b?c#d&e=f%g h+i é✓' } })).toBe(
      '/p/a%2Fb%3Fc%23d%26e%3Df%25g%20h%2Bi%20%C3%A9%E2%9C%93/x',
    );
  });

  it('percent-encodes query slots so & = # + cannot add parameters', () => {
    expect(url('/s?q={$args.q}&page=1', { $args: { q: 'a&admin=true#x+y z' } })).toBe(
      '/s?q=a%26admin%3Dtrue%23x%2By%20z&page=1',
    );
  });

  it('keeps dots inside segments but encodes the slash of ../etc', () => {
    expect(url('/files/{$args.f}', { $args: { f: '../etc/passwd' } })).toBe('/files/..%2Fetc%2Fpasswd');
    expect(url('/v/{$args.v}/x', { $args: { v: '1.2' } })).toBe('/v/1.2/x');
  });

  it('drops a path segment that a slot turns into . or .. (also %2e) and reports it', () => {
    for (const bad of ['..', '.']) {
      const result = renderUrl(parseTemplate('/a/{$args.v}/admin'), { $args: { v: bad } });
      expect(result.url).toBe('/a//admin');
      expect(result.errors).toHaveLength(1);
    }
    // A value's own % is encoded, so '%2e' cannot become a dot; template text next to a slot is checked too.
    expect(url('/a/{$args.v}/b', { $args: { v: '%2e%2E' } })).toBe('/a/%252e%252E/b');
    expect(renderUrl(parseTemplate('/a/%2E{$args.v}/b'), { $args: { v: '.' } }).url).toBe('/a//b');
    const split = renderUrl(parseTemplate('/a/{$args.x}{$args.y}/b'), { $args: { x: '.', y: '.' } });
    expect(split.url).toBe('/a//b');
  });

  it('leaves a literal .. written in the template alone', () => {
    expect(url('/a/../{$args.v}', { $args: { v: 'x' } })).toBe('/a/../x');
  });

  it('renders null and absent values as empty strings', () => {
    expect(url('/p?a={$args.a}&b={$args.b}', { $args: { a: null, b: 'x' } })).toBe('/p?a=&b=x');
    const absent = renderUrl(parseTemplate('/p?a={$args.missing}'), { $args: {} });
    expect(absent.url).toBe('/p?a=');
    expect(absent.errors).toEqual([
      { message: 'Property .missing not found in object', path: ['$args', 'missing'] },
    ]);
  });

  it('renders numbers and booleans as text', () => {
    expect(url('/p/{$args.n}?b={$args.b}', { $args: { n: 1.5, b: false } })).toBe('/p/1.5?b=false');
  });

  it('joins batches with ->joinNotNull and encodes the separator', () => {
    expect(
      url("/p?ids={$batch.id->joinNotNull(',')}", { $batch: [{ id: 1 }, { id: null }, { id: 'a b' }] }),
    ).toBe('/p?ids=1%2Ca%20b');
  });

  it('rejects arrays and objects in a slot with an error and an empty value', () => {
    const result = renderUrl(parseTemplate('/p?ids={$args.ids}&o={$args.o}'), {
      $args: { ids: [1, 2], o: { a: 1 } },
    });
    expect(result.url).toBe('/p?ids=&o=');
    expect(result.errors.map((error) => error.message)).toEqual([
      'Expression at line 1, column 8 evaluated to an array; templates accept only scalars (use ->joinNotNull or ->jsonStringify)',
      'Expression at line 1, column 22 evaluated to an object; templates accept only scalars (use ->joinNotNull or ->jsonStringify)',
    ]);
  });

  it('accepts expressions with braces and literals inside a slot', () => {
    expect(url('/p?f={$({ "a": $args.a })->jsonStringify}', { $args: { a: 1 } })).toBe(
      '/p?f=%7B%22a%22%3A1%7D',
    );
  });

  it('replaces lone surrogates instead of throwing', () => {
    expect(url('/p/{$args.v}', { $args: { v: 'a\uD800b' } })).toBe('/p/a%EF%BF%BDb');
  });

  it('reports template syntax errors at the line and column inside the text', () => {
    const errorOf = (text: string): [number, number] => {
      try {
        parseTemplate(text);
      } catch (error) {
        if (error instanceof SelectionSyntaxError) return [error.line, error.column];
      }
      throw new Error('expected a syntax error');
    };
    expect(errorOf('/p/{$args.id')).toEqual([1, 13]);
    expect(errorOf('/p?a={}')).toEqual([1, 7]);
    expect(errorOf('/p\n?a={$args.x->nope}')).toEqual([2, 14]);
  });
});

describe('header templates', () => {
  it('renders plain text without URL encoding', () => {
    const result = renderHeaderValue(parseTemplate('Bearer {$config.token}; q={$args.q}'), {
      $config: { token: 'a/b+c=' },
      $args: { q: 'é ✓' },
    });
    expect(result).toEqual({ value: 'Bearer a/b+c=; q=é ✓', errors: [] });
  });

  it('removes CR and LF from values and reports it', () => {
    const result = renderHeaderValue(parseTemplate('v={$args.v}'), {
      $args: { v: 'x\r\nSet-Cookie: a=1\n' },
    });
    expect(result.value).toBe('v=xSet-Cookie: a=1');
    expect(result.errors).toEqual([
      { message: 'Header value contained CR, LF or NUL characters, which were removed', path: [] },
    ]);
  });

  it('renders a template without slots unchanged', () => {
    expect(renderHeaderValue(parseTemplate('application/json'), {})).toEqual({
      value: 'application/json',
      errors: [],
    });
  });
});

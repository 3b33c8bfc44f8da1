import type { Template, TemplatePart } from './ast.js';
import type { ApplyError } from './errors.js';
import { evalLit, type Variables } from './evaluate.js';
import { Scanner } from './lexer.js';
import { parseLitExprAt } from './parser.js';
import { isObject, wellFormed } from './values.js';

/**
 * Parses a URL or header template: literal text with `{expression}` slots. A slot may hold any
 * expression, including braces of its own (`{$({"a": 1})->jsonStringify}`). Throws SelectionSyntaxError.
 */
export function parseTemplate(text: string): Template {
  const scanner = new Scanner(text);
  const parts: TemplatePart[] = [];
  let textStart = 0;
  while (!scanner.atEnd()) {
    if (scanner.peek() !== '{') {
      scanner.pos++;
      continue;
    }
    if (scanner.pos > textStart) {
      parts.push({
        kind: 'text',
        text: text.slice(textStart, scanner.pos),
        pos: scanner.position(textStart),
      });
    }
    const pos = scanner.position();
    scanner.pos++;
    scanner.skipTrivia();
    if (scanner.peek() === '}') scanner.fail('Expected an expression inside {}');
    const expr = parseLitExprAt(scanner);
    scanner.expect('}', "'}' to close the expression");
    parts.push({ kind: 'slot', expr, pos });
    textStart = scanner.pos;
  }
  if (textStart < text.length) {
    parts.push({ kind: 'text', text: text.slice(textStart), pos: scanner.position(textStart) });
  }
  return { kind: 'template', parts };
}

/** A slot's value as text: scalars as-is, null and absent as "", arrays and objects are errors. */
function slotText(part: TemplatePart & { kind: 'slot' }, variables: Variables, errors: ApplyError[]): string {
  const value = evalLit(part.expr, { dollar: undefined, at: undefined, vars: variables, errors }, []);
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) || isObject(value)) {
    errors.push({
      message: `Expression at line ${part.pos.line}, column ${part.pos.column} evaluated to an ${Array.isArray(value) ? 'array' : 'object'}; templates accept only scalars (use ->joinNotNull or ->jsonStringify)`,
      path: [],
    });
    return '';
  }
  return wellFormed(String(value));
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Renders a URL. Slot values are percent-encoded with encodeURIComponent in both the path and the
 * query, so `/ ? # & = + %` and non-ASCII text cannot change the URL's structure. Dots are kept (so
 * `v1.2` stays readable), but a path segment made with slot output that would be `.` or `..` (also
 * as `%2e`, which WHATWG URL parsers normalize) is dropped with an error, so `../admin` cannot traverse.
 * The template's own text is kept as written.
 */
export function renderUrl(
  template: Template,
  variables: Variables,
): { url: string; errors: ApplyError[]; dotSegment: boolean } {
  const errors: ApplyError[] = [];
  let dotSegment = false;
  const segments: { text: string; fromSlot: boolean }[] = [{ text: '', fromSlot: false }];
  let query: string | undefined;
  for (const part of template.parts) {
    if (part.kind === 'slot') {
      const encoded = encodeURIComponent(slotText(part, variables, errors));
      if (query !== undefined) query += encoded;
      else {
        const last = segments[segments.length - 1];
        if (last) {
          last.text += encoded;
          last.fromSlot = true;
        }
      }
      continue;
    }
    let text = part.text;
    if (query === undefined) {
      const mark = text.indexOf('?');
      const pathText = mark === -1 ? text : text.slice(0, mark);
      const [first = '', ...rest] = pathText.split('/');
      const last = segments[segments.length - 1];
      if (last) last.text += first;
      for (const segment of rest) segments.push({ text: segment, fromSlot: false });
      if (mark === -1) continue;
      query = '';
      text = text.slice(mark);
    }
    query += text;
  }
  const path = segments
    .map((segment) => {
      if (!segment.fromSlot || !DOT_SEGMENT.test(segment.text)) return segment.text;
      dotSegment = true;
      errors.push({
        message: `A URL path segment rendered as '${segment.text}' (a dot segment) was removed`,
        path: [],
      });
      return '';
    })
    .join('/');
  return { url: path + (query ?? ''), errors, dotSegment };
}

/** Renders a header value as plain text (no URL encoding). CR, LF and NUL are removed with an error. */
export function renderHeaderValue(
  template: Template,
  variables: Variables,
): { value: string; errors: ApplyError[] } {
  const errors: ApplyError[] = [];
  let value = '';
  for (const part of template.parts)
    value += part.kind === 'text' ? part.text : slotText(part, variables, errors);
  if (/[\r\n\0]/.test(value)) {
    errors.push({ message: 'Header value contained CR, LF or NUL characters, which were removed', path: [] });
    value = value.replace(/[\r\n\0]/g, '');
  }
  return { value, errors };
}

import type { Position } from './ast.js';
import { SelectionSyntaxError } from './errors.js';

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

export function isIdentStart(char: string | undefined): boolean {
  return char !== undefined && IDENT_START.test(char);
}

/**
 * A character cursor over `text`. The grammar forbids whitespace in a few places (`$ args`, inside an
 * identifier), so the parser works on characters and skips trivia (spaces and `#` comments) explicitly.
 */
export class Scanner {
  pos: number;
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    start = 0,
  ) {
    this.pos = start;
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  peek(ahead = 0): string | undefined {
    return this.text[this.pos + ahead];
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  position(offset = this.pos): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { offset, line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }

  fail(message: string, offset = this.pos): never {
    const { line, column } = this.position(offset);
    throw new SelectionSyntaxError(message, line, column, offset);
  }

  /** Spaces, tabs, newlines and `#` comments (to the end of the line). */
  skipTrivia(): void {
    for (;;) {
      const char = this.peek();
      if (char === ' ' || char === '\t' || char === '\r' || char === '\n') this.pos++;
      else if (char === '#') {
        while (!this.atEnd() && this.peek() !== '\n') this.pos++;
      } else return;
    }
  }

  /** Skips trivia, then consumes `token` if it is next. */
  eat(token: string): boolean {
    this.skipTrivia();
    if (!this.startsWith(token)) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string, what = `'${token}'`): void {
    if (!this.eat(token)) this.fail(`Expected ${what}${this.describeNext()}`);
  }

  describeNext(): string {
    if (this.atEnd()) return ' but reached the end of the input';
    const char = this.text.codePointAt(this.pos) ?? 0;
    return ` but found '${String.fromCodePoint(char)}'`;
  }

  readIdentifier(): string | undefined {
    if (!isIdentStart(this.peek())) return undefined;
    const start = this.pos;
    while (IDENT_PART.test(this.peek() ?? '')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A `'...'` or `"..."` string; a backslash escapes the quote character (and itself). */
  readString(): string | undefined {
    const quote = this.peek();
    if (quote !== '"' && quote !== "'") return undefined;
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('Unterminated string literal', start);
      this.pos++;
      if (char === quote) return value;
      if (char === '\\' && (this.peek() === quote || this.peek() === '\\')) {
        value += this.peek();
        this.pos++;
      } else value += char;
    }
  }

  /** `-`? (digits (`.` digits*)? | `.` digits+); no exponent, as in Apollo's grammar. */
  readNumber(): number | undefined {
    const start = this.pos;
    let cursor = this.pos;
    if (this.text[cursor] === '-') cursor++;
    const intStart = cursor;
    while (DIGIT.test(this.text[cursor] ?? '')) cursor++;
    const hasInt = cursor > intStart;
    if (this.text[cursor] === '.' && (hasInt || DIGIT.test(this.text[cursor + 1] ?? ''))) {
      // `1.foo` is not a number followed by a key step: the grammar reads `1.` then fails on `foo`.
      cursor++;
      while (DIGIT.test(this.text[cursor] ?? '')) cursor++;
    } else if (!hasInt) return undefined;
    this.pos = cursor;
    return Number(this.text.slice(start, cursor));
  }
}

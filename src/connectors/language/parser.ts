import type {
  Expression,
  Key,
  LitExpr,
  NamedSelection,
  PathHead,
  PathSelection,
  PathStep,
  Selection,
  SubSelection,
} from './ast.js';
import { isIdentStart, Scanner } from './lexer.js';
import { isKnownMethod } from './methods.js';

/** Parses a whole `selection:` or `body:` string. Throws SelectionSyntaxError. */
export function parseSelection(text: string): Selection {
  const scanner = new Scanner(text);
  const items = parseNamedList(scanner, undefined);
  scanner.skipTrivia();
  if (!scanner.atEnd()) scanner.fail(`Unexpected '${scanner.peek() ?? ''}'`);
  const only = items[0];
  // A lone anonymous path (`$.data { id }`, `author.name`, `$`) is the whole result, arrays included.
  if (items.length === 1 && only?.kind === 'spread' && !only.explicit) {
    return { kind: 'selection', body: { kind: 'path', path: only.path } };
  }
  for (const item of items) checkAnonymous(scanner, item);
  return { kind: 'selection', body: { kind: 'named', items } };
}

/** Parses one expression, as found inside `{...}` of a template. Throws SelectionSyntaxError. */
export function parseExpression(text: string): Expression {
  const scanner = new Scanner(text);
  const expr = parseLitExpr(scanner);
  scanner.skipTrivia();
  if (!scanner.atEnd()) scanner.fail(`Unexpected '${scanner.peek() ?? ''}' after the expression`);
  return { kind: 'expression', expr };
}

/** Used by the template parser: an expression starting at `scanner.pos`, stopping before `}`. */
export function parseLitExprAt(scanner: Scanner): LitExpr {
  return parseLitExpr(scanner);
}

function checkAnonymous(scanner: Scanner, item: NamedSelection): void {
  if (item.kind === 'spread' && !item.explicit && item.path.sub === undefined) {
    scanner.fail(
      'A path selection without a sub-selection needs an alias (for example `name: a.b`) or must be the whole selection',
      item.path.pos.offset,
    );
  }
}

function parseNamedList(scanner: Scanner, closing: '}' | undefined): NamedSelection[] {
  const items: NamedSelection[] = [];
  for (;;) {
    scanner.skipTrivia();
    if (scanner.atEnd()) {
      if (closing) scanner.fail(`Expected '${closing}' but reached the end of the input`);
      return items;
    }
    if (scanner.peek() === closing) return items;
    if (scanner.peek() === '}') scanner.fail(`Unexpected '}'`);
    items.push(parseNamed(scanner));
  }
}

function parseSub(scanner: Scanner): SubSelection {
  scanner.skipTrivia();
  const pos = scanner.position();
  scanner.expect('{');
  const items = parseNamedList(scanner, '}');
  scanner.expect('}');
  for (const item of items) checkAnonymous(scanner, item);
  return { kind: 'sub', items, pos };
}

function readKey(scanner: Scanner): Key | undefined {
  const pos = scanner.position();
  const name = scanner.readString() ?? scanner.readIdentifier();
  return name === undefined ? undefined : { name, pos };
}

function parseNamed(scanner: Scanner): NamedSelection {
  const start = scanner.position();
  if (scanner.startsWith('...')) {
    scanner.pos += 3;
    scanner.skipTrivia();
    return { kind: 'spread', path: parsePath(scanner), explicit: true };
  }
  const char = scanner.peek();
  if (char === '$' || char === '@') return { kind: 'spread', path: parsePath(scanner), explicit: false };
  const key = readKey(scanner);
  if (!key) return scanner.fail(`Expected a field name, an alias, a path or '...'${scanner.describeNext()}`);
  if (scanner.eat(':')) {
    scanner.skipTrivia();
    if (scanner.peek() === '{') return { kind: 'group', alias: key, sub: parseSub(scanner) };
    return { kind: 'alias', alias: key, path: parsePath(scanner) };
  }
  const steps = parseSteps(scanner);
  if (steps.length === 0) {
    return { kind: 'field', key, sub: parseOptionalSub(scanner) };
  }
  const path: PathSelection = {
    head: { kind: 'key', key },
    steps,
    sub: parseOptionalSub(scanner),
    pos: start,
  };
  return { kind: 'spread', path, explicit: false };
}

function parseOptionalSub(scanner: Scanner): SubSelection | undefined {
  const save = scanner.pos;
  scanner.skipTrivia();
  if (scanner.peek() === '{') return parseSub(scanner);
  scanner.pos = save;
  return undefined;
}

/** `$...`, `@...`, `$(...)...` or `key...`: a head, its steps and an optional sub-selection. */
function parsePath(scanner: Scanner): PathSelection {
  scanner.skipTrivia();
  const pos = scanner.position();
  let head: PathHead;
  if (scanner.startsWith('$(')) {
    scanner.pos += 2;
    const expr = parseLitExpr(scanner);
    scanner.expect(')');
    head = { kind: 'expr', expr, pos };
  } else if (scanner.peek() === '$') {
    scanner.pos++;
    const name = scanner.readIdentifier();
    head = { kind: 'var', name: name === undefined ? '$' : `$${name}`, pos };
  } else if (scanner.peek() === '@') {
    scanner.pos++;
    head = { kind: 'at', pos };
  } else {
    const key = readKey(scanner);
    if (!key) return scanner.fail(`Expected a path${scanner.describeNext()}`);
    head = { kind: 'key', key };
  }
  const steps = parseSteps(scanner);
  return { head, steps, sub: parseOptionalSub(scanner), pos };
}

function parseSteps(scanner: Scanner): PathStep[] {
  const steps: PathStep[] = [];
  for (;;) {
    const save = scanner.pos;
    scanner.skipTrivia();
    const pos = scanner.position();
    if (scanner.startsWith('...')) {
      scanner.pos = save;
      return steps;
    }
    if (scanner.startsWith('->')) {
      scanner.pos += 2;
      scanner.skipTrivia();
      const namePos = scanner.position();
      const name = scanner.readIdentifier();
      if (name === undefined) scanner.fail(`Expected a method name after '->'${scanner.describeNext()}`);
      if (!isKnownMethod(name)) scanner.fail(`Unknown method ->${name}`, namePos.offset);
      steps.push({ kind: 'method', name, args: parseMethodArgs(scanner), pos });
    } else if (scanner.peek() === '.') {
      scanner.pos++;
      scanner.skipTrivia();
      const key = readKey(scanner);
      if (!key) scanner.fail(`Expected a key after '.'${scanner.describeNext()}`);
      steps.push({ kind: 'key', key });
    } else if (scanner.peek() === '?') {
      scanner.pos++;
      steps.push({ kind: 'optional', pos });
    } else {
      scanner.pos = save;
      return steps;
    }
  }
}

function parseMethodArgs(scanner: Scanner): LitExpr[] | undefined {
  const save = scanner.pos;
  if (!scanner.eat('(')) {
    scanner.pos = save;
    return undefined;
  }
  return parseList(scanner, ')', () => parseLitExpr(scanner));
}

/** Comma-separated items up to `closing`, trailing comma allowed; the opening token is already consumed. */
function parseList<T>(scanner: Scanner, closing: string, item: () => T): T[] {
  const items: T[] = [];
  for (;;) {
    if (scanner.eat(closing)) return items;
    items.push(item());
    if (scanner.eat(closing)) return items;
    scanner.expect(',', `',' or '${closing}'`);
  }
}

function parseLitExpr(scanner: Scanner): LitExpr {
  scanner.skipTrivia();
  const pos = scanner.position();
  const char = scanner.peek();
  let literal: LitExpr | undefined;
  if (char === '"' || char === "'") {
    literal = { kind: 'value', value: scanner.readString() ?? '', pos };
  } else if (char === '{') {
    scanner.pos++;
    const props = parseList(scanner, '}', () => {
      scanner.skipTrivia();
      const key = readKey(scanner);
      if (!key) return scanner.fail(`Expected a property name${scanner.describeNext()}`);
      scanner.expect(':');
      return { key, value: parseLitExpr(scanner) };
    });
    literal = { kind: 'object', props, pos };
  } else if (char === '[') {
    scanner.pos++;
    literal = { kind: 'array', items: parseList(scanner, ']', () => parseLitExpr(scanner)), pos };
  } else if (char === '$' || char === '@') {
    return { kind: 'path', path: parsePath(scanner), pos };
  } else if (isIdentStart(char)) {
    const save = scanner.pos;
    const word = scanner.readIdentifier();
    if (word === 'true' || word === 'false' || word === 'null') {
      literal = { kind: 'value', value: word === 'null' ? null : word === 'true', pos };
    } else {
      scanner.pos = save;
      return { kind: 'path', path: parsePath(scanner), pos };
    }
  } else {
    const number = scanner.readNumber();
    if (number === undefined) return scanner.fail(`Expected a value or a path${scanner.describeNext()}`);
    literal = { kind: 'value', value: number, pos };
  }
  const steps = parseSteps(scanner);
  if (steps.length === 0) return literal;
  return {
    kind: 'path',
    path: { head: { kind: 'lit', expr: literal, pos }, steps, sub: undefined, pos },
    pos,
  };
}

import type { Method, MethodCall } from './method-call.js';

export type { Method, MethodCall } from './method-call.js';
import { LOGIC_METHODS } from './methods-logic.js';
import { deepEqual, getOwn, hasOwn, isObject, isScalar, typeName } from './values.js';

/** What a `->method` receives. Arguments are evaluated lazily, so `->map` can bind `@` per element. */

/** Absent input gives absent output silently: the error was reported where the value went missing. */
function needsInput(method: Method): Method {
  return (call) => (call.input === undefined ? undefined : method(call));
}

function noArgs(method: Method): Method {
  return (call) => {
    if (call.hasArgs) {
      call.error(`Method ->${call.name} does not take any arguments`);
      return undefined;
    }
    return method(call);
  };
}

function fail(call: MethodCall, requirement: string): undefined {
  call.error(`Method ->${call.name} requires ${requirement}, but received ${typeName(call.input)}`);
  return undefined;
}

const chars = (text: string): string[] => Array.from(text);

function firstOrLast(pick: <T>(items: readonly T[]) => T | undefined): Method {
  return needsInput(
    noArgs((call) => {
      const { input } = call;
      if (Array.isArray(input)) return pick(input);
      if (typeof input === 'string') return pick(chars(input));
      return fail(call, 'an array or string input');
    }),
  );
}

function integerArg(call: MethodCall, n: number): number | undefined {
  const value = call.arg(n);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  call.error(`Method ->${call.name} requires integer arguments, but argument ${n + 1} is ${typeName(value)}`);
  return undefined;
}

const CORE_METHODS: Record<string, Method> = {
  echo: (call) => {
    if (call.argCount !== 1) {
      call.error(`Method ->echo requires exactly one argument`);
      return undefined;
    }
    return call.arg(0);
  },
  map: needsInput((call) => {
    if (call.argCount !== 1) {
      call.error(`Method ->map requires exactly one argument`);
      return undefined;
    }
    const items = Array.isArray(call.input) ? call.input : [call.input];
    return items.map((item) => call.arg(0, item) ?? null);
  }),
  match: (call) => matchPairs(call, (candidate) => deepEqual(call.input, candidate)),
  matchIf: (call) => matchPairs(call, (condition) => condition === true),
  first: firstOrLast((items) => items[0]),
  last: firstOrLast((items) => items[items.length - 1]),
  slice: needsInput((call) => {
    const { input } = call;
    if (!Array.isArray(input) && typeof input !== 'string') return fail(call, 'an array or string input');
    const start = call.argCount > 0 ? integerArg(call, 0) : 0;
    const end = call.argCount > 1 ? integerArg(call, 1) : undefined;
    if (start === undefined || (call.argCount > 1 && end === undefined)) return undefined;
    return typeof input === 'string' ? chars(input).slice(start, end).join('') : input.slice(start, end);
  }),
  size: needsInput(
    noArgs((call) => {
      const { input } = call;
      if (Array.isArray(input)) return input.length;
      if (typeof input === 'string') return chars(input).length;
      if (isObject(input)) return Object.keys(input).length;
      return fail(call, 'an array, string or object input');
    }),
  ),
  entries: objectMethod((input) => Object.entries(input).map(([key, value]) => ({ key, value }))),
  keys: objectMethod((input) => Object.keys(input)),
  values: objectMethod((input) => Object.values(input)),
  get: needsInput((call) => {
    const key = call.arg(0);
    const { input } = call;
    if (
      typeof key === 'number' &&
      Number.isInteger(key) &&
      (Array.isArray(input) || typeof input === 'string')
    ) {
      const items = Array.isArray(input) ? input : chars(input);
      const value = items[key < 0 ? items.length + key : key];
      if (value === undefined) call.error(`Method ->get(${key}) index out of bounds`);
      return value;
    }
    if (typeof key === 'string' && isObject(input)) {
      if (hasOwn(input, key)) return getOwn(input, key);
      call.error(`Method ->get("${key}") property not found in object`);
      return undefined;
    }
    call.error(`Method ->get requires an integer index on an array or string, or a string key on an object`);
    return undefined;
  }),
  has: needsInput((call) => {
    const key = call.arg(0);
    const { input } = call;
    if (typeof key === 'string' && isObject(input)) return hasOwn(input, key);
    if (typeof key === 'number' && Array.isArray(input)) return key >= -input.length && key < input.length;
    return false;
  }),
  typeof: noArgs((call) => typeName(call.input)),
  jsonStringify: needsInput(noArgs((call) => JSON.stringify(call.input))),
  jsonParse: needsInput(
    noArgs((call) => {
      if (typeof call.input !== 'string') return fail(call, 'a string input');
      try {
        return JSON.parse(call.input) as unknown;
      } catch {
        call.error(`Method ->jsonParse received invalid JSON`);
        return undefined;
      }
    }),
  ),
  joinNotNull: needsInput((call) => {
    const separator = call.arg(0);
    if (typeof separator !== 'string') {
      call.error(`Method ->joinNotNull requires a string argument, but received ${typeName(separator)}`);
      return undefined;
    }
    const items = Array.isArray(call.input) ? call.input : [call.input];
    if (!items.every(isScalar)) {
      call.error(`Method ->joinNotNull requires an array of scalar values as input`);
      return undefined;
    }
    return items
      .filter((item) => item !== null)
      .map((item) => String(item))
      .join(separator);
  }),
  toString: needsInput(
    noArgs((call) => (typeof call.input === 'string' ? call.input : JSON.stringify(call.input))),
  ),
  parseInt: needsInput((call) => {
    const radix = call.argCount > 0 ? integerArg(call, 0) : 10;
    if (radix === undefined) return undefined;
    const { input } = call;
    const text = typeof input === 'number' ? String(input) : input;
    if (typeof text !== 'string') return fail(call, 'a string or number input');
    const parsed = Number.parseInt(text, radix);
    if (Number.isNaN(parsed)) {
      call.error(`Method ->parseInt could not parse ${JSON.stringify(text)}`);
      return undefined;
    }
    return parsed;
  }),
};

function objectMethod(transform: (input: Record<string, unknown>) => unknown): Method {
  return needsInput(
    noArgs((call) => (isObject(call.input) ? transform(call.input) : fail(call, 'an object input'))),
  );
}

/** `->match([candidate, value], ..., [@, default])`: the value of the first pair whose test passes. */
function matchPairs(call: MethodCall, test: (first: unknown) => boolean): unknown {
  for (let n = 0; n < call.argCount; n++) {
    const pair = call.argExpr(n);
    const [candidate, result] = pair?.kind === 'array' && pair.items.length === 2 ? pair.items : [];
    if (!candidate || !result) {
      call.error(`Method ->${call.name} requires [candidate, value] pairs, but argument ${n + 1} is not one`);
      continue;
    }
    // Only the matching pair's value is evaluated, so unused branches report no errors.
    const tested = call.evaluate(candidate);
    if (tested !== undefined && test(tested)) return call.evaluate(result);
  }
  call.error(`Method ->${call.name} did not match any [candidate, value] pair`);
  return undefined;
}

const METHODS: Record<string, Method> = { ...CORE_METHODS, ...LOGIC_METHODS };

export function isKnownMethod(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}

export const KNOWN_METHODS: readonly string[] = Object.keys(METHODS).sort();

export function callMethod(name: string, call: Omit<MethodCall, 'name'>): unknown {
  const method = Object.prototype.hasOwnProperty.call(METHODS, name) ? METHODS[name] : undefined;
  if (!method) {
    call.error(`Unknown method ->${name}`);
    return undefined;
  }
  return method({ ...call, name });
}

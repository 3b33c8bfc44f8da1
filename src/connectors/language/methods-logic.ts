import type { Method, MethodCall } from './method-call.js';
import { deepEqual, isTruthy, typeName } from './values.js';

function requireArgs(call: MethodCall, count: number): boolean {
  if (call.argCount >= count) return true;
  call.error(`Method ->${call.name} requires ${count === 1 ? 'an argument' : `${count} arguments`}`);
  return false;
}

function compare(test: (order: number) => boolean): Method {
  return (call) => {
    if (call.input === undefined || !requireArgs(call, 1)) return undefined;
    const other = call.arg(0);
    const { input } = call;
    if (typeof input === 'number' && typeof other === 'number') return test(input - other);
    if (typeof input === 'string' && typeof other === 'string')
      return test(input < other ? -1 : input > other ? 1 : 0);
    call.error(
      `Method ->${call.name} requires two numbers or two strings, but received ${typeName(input)} and ${typeName(other)}`,
    );
    return undefined;
  };
}

function arithmetic(apply: (a: number, b: number) => number | undefined): Method {
  return (call) => {
    if (call.input === undefined || !requireArgs(call, 1)) return undefined;
    let result = call.input;
    for (let n = 0; n < call.argCount; n++) {
      const operand = call.arg(n);
      if (typeof result !== 'number' || typeof operand !== 'number') {
        call.error(
          `Method ->${call.name} requires numbers, but received ${typeName(result)} and ${typeName(operand)}`,
        );
        return undefined;
      }
      const next = apply(result, operand);
      if (next === undefined || !Number.isFinite(next)) {
        call.error(`Method ->${call.name} cannot divide by zero`);
        return undefined;
      }
      result = next;
    }
    return result;
  };
}

function stringMethod(transform: (text: string, call: MethodCall) => unknown): Method {
  return (call) => {
    if (call.input === undefined) return undefined;
    if (typeof call.input === 'string') return transform(call.input, call);
    call.error(`Method ->${call.name} requires a string input, but received ${typeName(call.input)}`);
    return undefined;
  };
}

function arrayPredicate(
  apply: (items: readonly unknown[], pass: (item: unknown) => boolean) => unknown,
): Method {
  return (call) => {
    if (call.input === undefined || !requireArgs(call, 1)) return undefined;
    if (!Array.isArray(call.input)) {
      call.error(`Method ->${call.name} requires an array input, but received ${typeName(call.input)}`);
      return undefined;
    }
    return apply(call.input, (item) => isTruthy(call.arg(0, item)));
  };
}

/** Comparison, logic, arithmetic and small string/array helpers. */
export const LOGIC_METHODS: Record<string, Method> = {
  eq: (call) => (requireArgs(call, 1) ? deepEqual(call.input, call.arg(0)) : undefined),
  ne: (call) => (requireArgs(call, 1) ? !deepEqual(call.input, call.arg(0)) : undefined),
  gt: compare((order) => order > 0),
  gte: compare((order) => order >= 0),
  lt: compare((order) => order < 0),
  lte: compare((order) => order <= 0),
  not: (call) => !isTruthy(call.input),
  and: (call) => {
    if (!requireArgs(call, 1)) return undefined;
    if (!isTruthy(call.input)) return false;
    for (let n = 0; n < call.argCount; n++) if (!isTruthy(call.arg(n))) return false;
    return true;
  },
  or: (call) => {
    if (!requireArgs(call, 1)) return undefined;
    if (isTruthy(call.input)) return true;
    for (let n = 0; n < call.argCount; n++) if (isTruthy(call.arg(n))) return true;
    return false;
  },
  add: arithmetic((a, b) => a + b),
  sub: arithmetic((a, b) => a - b),
  mul: arithmetic((a, b) => a * b),
  div: arithmetic((a, b) => (b === 0 ? undefined : a / b)),
  mod: arithmetic((a, b) => (b === 0 ? undefined : a % b)),
  filter: arrayPredicate((items, pass) => items.filter(pass)),
  find: arrayPredicate((items, pass) => items.find(pass)),
  contains: (call) => {
    if (call.input === undefined || !requireArgs(call, 1)) return undefined;
    const needle = call.arg(0);
    if (Array.isArray(call.input)) return call.input.some((item) => deepEqual(item, needle));
    if (typeof call.input === 'string' && typeof needle === 'string') return call.input.includes(needle);
    call.error(`Method ->contains requires an array or string input`);
    return undefined;
  },
  in: (call) => {
    if (call.input === undefined || !requireArgs(call, 1)) return undefined;
    const haystack = call.arg(0);
    if (Array.isArray(haystack)) return haystack.some((item) => deepEqual(item, call.input));
    call.error(`Method ->in requires an array argument, but received ${typeName(haystack)}`);
    return undefined;
  },
  split: stringMethod((text, call) => {
    const separator = call.arg(0);
    if (typeof separator !== 'string') {
      call.error(`Method ->split requires a string separator, but received ${typeName(separator)}`);
      return undefined;
    }
    return separator === '' ? Array.from(text) : text.split(separator);
  }),
  trim: stringMethod((text) => text.trim()),
  trimStart: stringMethod((text) => text.trimStart()),
  trimEnd: stringMethod((text) => text.trimEnd()),
};

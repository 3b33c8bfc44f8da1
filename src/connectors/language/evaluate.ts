import type {
  Expression,
  LitExpr,
  NamedSelection,
  PathSelection,
  PathStep,
  Selection,
  SubSelection,
} from './ast.js';
import type { ApplyError } from './errors.js';
import { callMethod } from './methods.js';
import { getOwn, hasOwn, isObject, setKey, typeName, type JsonObject } from './values.js';

/** Variables by name, WITH the dollar: `{ $args: {...}, $this: {...}, $config: {...}, $batch: [...] }`. */
export type Variables = Readonly<Record<string, unknown>>;

export interface ApplyResult {
  /** `undefined` means absent. */
  value: unknown;
  errors: ApplyError[];
}

type InputPath = readonly (string | number)[];

/** What a path is evaluated against: `$` (closest enclosing selection's value) and `@` (method input). */
interface Scope {
  readonly dollar: unknown;
  readonly at: unknown;
  readonly vars: Variables;
  readonly errors: ApplyError[];
}

/** Applies a parsed selection to `data`. Never throws on odd input: problems become `errors`. */
export function applySelection(selection: Selection, data: unknown, variables: Variables): ApplyResult {
  const errors: ApplyError[] = [];
  const scope: Scope = { dollar: data, at: data, vars: variables, errors };
  const { body } = selection;
  const value =
    body.kind === 'path' ? evalPath(body.path, scope, []) : applyItemsTo(body.items, data, scope, []);
  return { value, errors };
}

/** Evaluates one template expression; `data` is what `$` and bare keys refer to. */
export function evaluateExpression(expression: Expression, data: unknown, variables: Variables): ApplyResult {
  const errors: ApplyError[] = [];
  const value = evalLit(expression.expr, { dollar: data, at: data, vars: variables, errors }, []);
  return { value, errors };
}

/** Selections map over arrays (like GraphQL); null stays null; absent stays absent. */
function applyItemsTo(
  items: readonly NamedSelection[],
  value: unknown,
  scope: Scope,
  path: InputPath,
): unknown {
  if (value === undefined || value === null) return value;
  if (Array.isArray(value)) {
    return value.map((element, index) => orNull(applyItemsTo(items, element, scope, [...path, index])));
  }
  return applyItems(items, value, { ...scope, dollar: value, at: value }, path);
}

function applySub(sub: SubSelection, value: unknown, scope: Scope, path: InputPath): unknown {
  return applyItemsTo(sub.items, value, scope, path);
}

function applyItems(
  items: readonly NamedSelection[],
  value: unknown,
  scope: Scope,
  path: InputPath,
): JsonObject {
  const output: JsonObject = {};
  for (const item of items) {
    switch (item.kind) {
      case 'field': {
        let result = property(value, item.key.name, scope, path);
        if (item.sub) result = applySub(item.sub, result, scope, [...path, item.key.name]);
        if (result !== undefined) setKey(output, item.key.name, result);
        break;
      }
      case 'alias': {
        const result = evalPath(item.path, scope, path);
        if (result !== undefined) setKey(output, item.alias.name, result);
        break;
      }
      case 'group':
        setKey(output, item.alias.name, applyItems(item.sub.items, value, scope, path));
        break;
      case 'spread': {
        const result = evalPath(item.path, scope, path);
        if (result === undefined || result === null) break;
        if (!isObject(result)) {
          scope.errors.push({
            message: `Cannot merge a value of type ${typeName(result)} into an object`,
            path: [...path],
          });
          break;
        }
        for (const [key, fieldValue] of Object.entries(result)) setKey(output, key, fieldValue);
        break;
      }
      default:
        item satisfies never;
    }
  }
  return output;
}

/** Reads `value.key`, mapping over arrays; a missing key is absent plus an error. */
function property(value: unknown, key: string, scope: Scope, path: InputPath): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    return value.map((element, index) => orNull(property(element, key, scope, [...path, index])));
  }
  if (isObject(value) && hasOwn(value, key)) return getOwn(value, key);
  scope.errors.push({ message: `Property .${key} not found in ${typeName(value)}`, path: [...path, key] });
  return undefined;
}

function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}

export function evalPath(pathSel: PathSelection, scope: Scope, path: InputPath): unknown {
  const { head } = pathSel;
  let value: unknown;
  let steps: readonly PathStep[] = pathSel.steps;
  let inputPath: InputPath = path;
  switch (head.kind) {
    case 'var':
      if (head.name === '$') value = scope.dollar;
      else {
        inputPath = [head.name];
        if (hasOwn(scope.vars, head.name)) value = scope.vars[head.name];
        else scope.errors.push({ message: `Variable ${head.name} not found`, path: [head.name] });
      }
      break;
    case 'at':
      value = scope.at;
      break;
    case 'key':
      value = scope.dollar;
      steps = [{ kind: 'key', key: head.key }, ...steps];
      break;
    case 'expr':
    case 'lit':
      value = evalLit(head.expr, scope, path);
      break;
    default:
      head satisfies never;
  }
  value = applySteps(value, steps, 0, scope, inputPath);
  return pathSel.sub ? applySub(pathSel.sub, value, scope, inputPath) : value;
}

/**
 * Applies `steps[index..]`. A key step on an array maps over the elements (`items.name` is the array
 * of names); a method step receives the whole value, so `$batch.id->joinNotNull(',')` joins all ids.
 */
function applySteps(
  start: unknown,
  steps: readonly PathStep[],
  index: number,
  scope: Scope,
  path: InputPath,
): unknown {
  let value = start;
  let inputPath = path;
  for (let i = index; i < steps.length; i++) {
    const step = steps[i];
    if (!step) break;
    switch (step.kind) {
      case 'key':
        if (value === undefined) return undefined;
        value = property(value, step.key.name, scope, inputPath);
        inputPath = [...inputPath, step.key.name];
        break;
      case 'method': {
        const methodPath = [...inputPath, `->${step.name}`];
        const input = value;
        value = callMethod(step.name, {
          input,
          argCount: step.args?.length ?? 0,
          hasArgs: step.args !== undefined,
          arg: (n, at = input) => {
            const expr = step.args?.[n];
            return expr === undefined ? undefined : evalLit(expr, { ...scope, at }, methodPath);
          },
          argExpr: (n) => step.args?.[n],
          evaluate: (expr, at = input) => evalLit(expr, { ...scope, at }, methodPath),
          error: (message) => scope.errors.push({ message, path: methodPath }),
        });
        inputPath = methodPath;
        break;
      }
      case 'optional':
        if (value === undefined || value === null) return undefined;
        break;
      default:
        step satisfies never;
    }
  }
  return value;
}

/** Evaluates a literal expression; `$` keeps its binding, `@` is the current method input. */
export function evalLit(expr: LitExpr, scope: Scope, path: InputPath): unknown {
  switch (expr.kind) {
    case 'value':
      return expr.value;
    case 'object': {
      const output: JsonObject = {};
      for (const prop of expr.props) {
        const value = evalLit(prop.value, scope, path);
        if (value !== undefined) setKey(output, prop.key.name, value);
      }
      return output;
    }
    case 'array':
      return expr.items.map((item) => orNull(evalLit(item, scope, path)));
    case 'path':
      return evalPath(expr.path, scope, path);
    default:
      return expr satisfies never;
  }
}

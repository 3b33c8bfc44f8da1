/*
 * The data plumbing of plan execution: merging subgraph results into the response data, and finding
 * the entities a flattened fetch applies to. Each function keeps the semantics of its counterpart in
 * Apollo Gateway (deepMerge, flattenResultsAtPath, generateHydratedPaths) so that the merged data, and
 * so the shaped response, are the same. Keys that Object.prototype has are refused when a plan is
 * compiled, so plain property access is safe here.
 */

export type JsonObject = Record<string, unknown>;
export type ResponsePath = (string | number)[];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Apollo's `deepMerge`: `source` into `target`, objects recursively, same-length lists element-wise. */
export function deepMerge(target: JsonObject, source: unknown): void {
  mergeInto(target, source, false);
}

/**
 * `deepMerge` for a value that other entities take too: whatever object or list it would put in
 * `target` is copied first. One subgraph answer for a de-duplicated representation goes to several
 * entities; each needs its own objects, as it would have had from its own answer, because later
 * fetches merge different things into different places. Primitives need no copy, so a flat answer
 * costs no more than a plain merge.
 */
export function deepMergeCopy(target: JsonObject, source: unknown): void {
  mergeInto(target, source, true);
}

function mergeInto(target: JsonObject, source: unknown, copy: boolean): void {
  if (source === undefined || source === null) return;
  const from = source as JsonObject;
  for (const key in from) {
    const value = from[key];
    if (value === undefined) continue;
    const existing = target[key];
    if (existing && isObject(value)) {
      mergeInto(existing as JsonObject, value, copy);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index++) {
        const into: unknown = existing[index];
        const element: unknown = value[index];
        if (isObject(into) && isObject(element)) mergeInto(into, element, copy);
        else existing[index] = copy ? cloneJson(element) : element;
      }
    } else {
      target[key] = copy && typeof value === 'object' ? cloneJson(value) : value;
    }
  }
}

/** A deep copy of parsed JSON. */
export function cloneJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index++) copy.push(cloneJson(value[index]));
    return copy;
  }
  const copy: JsonObject = {};
  const from = value as JsonObject;
  for (const key in from) copy[key] = cloneJson(from[key]);
  return copy;
}

/**
 * The objects at `path` ('@' steps into every element of a list), in order, as Apollo's
 * `flattenResultsAtPath` finds them (a list found at the end is stepped into too); nulls and
 * non-objects are left out, since no representation or merge can come from them.
 */
export function collectEntities(
  value: unknown,
  path: readonly string[],
  index: number,
  out: JsonObject[],
): void {
  if (value === null || value === undefined) return;
  if (index === path.length) {
    if (Array.isArray(value)) {
      for (const element of value) if (isObject(element)) out.push(element);
    } else if (isObject(value)) {
      out.push(value);
    }
    return;
  }
  const step = path[index] as string;
  if (step === '@') {
    // Apollo calls value.flatMap here, which throws for anything but a list.
    if (!Array.isArray(value)) throw new TypeError('value.flatMap is not a function');
    for (const element of value) collectEntities(element, path, index + 1, out);
    return;
  }
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${step}`);
  if (typeof value === 'object') collectEntities((value as JsonObject)[step], path, index + 1, out);
}

/**
 * Apollo's `generateHydratedPaths`: the response path of every non-null value at `path`, in order.
 * Apollo gives the error of representation i the i-th of these paths.
 */
export function hydratedPaths(path: readonly string[], data: unknown): ResponsePath[] {
  const result: ResponsePath[] = [];
  hydrate([], path, 0, data, result);
  return result;
}

function hydrate(
  parent: ResponsePath,
  path: readonly string[],
  index: number,
  data: unknown,
  out: ResponsePath[],
): void {
  if (data === null || data === undefined) return;
  if (index === path.length) {
    out.push(parent.slice());
    return;
  }
  const step = path[index] as string;
  if (step === '@' || Array.isArray(data)) {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    // A list under a field step is walked element by element without consuming the step.
    const next = step === '@' ? index + 1 : index;
    for (let element = 0; element < data.length; element++) {
      parent.push(element);
      hydrate(parent, path, next, data[element], out);
      parent.pop();
    }
    return;
  }
  if (typeof data === 'object' && Object.prototype.hasOwnProperty.call(data, step)) {
    parent.push(step);
    hydrate(parent, path, index + 1, (data as JsonObject)[step], out);
    parent.pop();
  }
}

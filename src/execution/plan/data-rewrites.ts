import type { FetchDataRewrite } from '@apollo/query-planner';
import type { JsonObject } from '../merge-data.js';
import type { SchemaFacts } from '../schema-facts.js';

/*
 * The `inputRewrites` and `outputRewrites` of a fetch (value setters and key renamers, used for
 * @interfaceObject and aliased fields), compiled once per plan and applied as Apollo's
 * dataRewrites.js applies them.
 */

const FRAGMENT_PREFIX = '... on ';

interface PathStep {
  /** A field to step into, or undefined for a type condition. */
  field: string | undefined;
  /** For a type condition: the `__typename`s it applies to (an object without one passes). */
  matches: ReadonlySet<string> | undefined;
}

export interface CompiledRewrite {
  parent: readonly PathStep[];
  field: string;
  /** ValueSetter: the value to set. */
  setValueTo: unknown;
  /** KeyRenamer: the new key; undefined for a ValueSetter. */
  renameKeyTo: string | undefined;
}

/** Compiles rewrites, or returns a reason why Apollo's executor must run the plan instead. */
export function compileRewrites(
  rewrites: readonly FetchDataRewrite[] | undefined,
  facts: SchemaFacts,
  keys: Set<string>,
): CompiledRewrite[] | string {
  const compiled: CompiledRewrite[] = [];
  for (const rewrite of rewrites ?? []) {
    // An empty path is a no-op for Apollo too.
    if (rewrite.path.length === 0) continue;
    const steps = rewrite.path.map((element): PathStep => {
      if (!element.startsWith(FRAGMENT_PREFIX)) {
        keys.add(element);
        return { field: element, matches: undefined };
      }
      return { field: undefined, matches: facts.supergraphMatches(element.slice(FRAGMENT_PREFIX.length)) };
    });
    const last = steps.pop() as PathStep;
    if (last.field === undefined)
      return `a rewrite path ending on a type condition: ${rewrite.path.join('.')}`;
    switch (rewrite.kind) {
      case 'ValueSetter':
        compiled.push({
          parent: steps,
          field: last.field,
          setValueTo: rewrite.setValueTo,
          renameKeyTo: undefined,
        });
        break;
      case 'KeyRenamer':
        keys.add(rewrite.renameKeyTo);
        compiled.push({
          parent: steps,
          field: last.field,
          setValueTo: undefined,
          renameKeyTo: rewrite.renameKeyTo,
        });
        break;
      default:
        return `an unsupported rewrite kind: ${(rewrite as { kind: string }).kind}`;
    }
  }
  return compiled;
}

export function applyRewrites(rewrites: readonly CompiledRewrite[], value: unknown): void {
  for (const rewrite of rewrites) applyAtPath(rewrite, 0, value);
}

function applyAtPath(rewrite: CompiledRewrite, index: number, value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAtPath(rewrite, index, element);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as JsonObject;
  const step = rewrite.parent[index];
  if (step === undefined) {
    if (rewrite.renameKeyTo === undefined) {
      object[rewrite.field] = rewrite.setValueTo;
    } else {
      const found = object[rewrite.field];
      if (found) {
        object[rewrite.renameKeyTo] = found;
        object[rewrite.field] = undefined;
      }
    }
    return;
  }
  if (step.field !== undefined) {
    applyAtPath(rewrite, index + 1, object[step.field]);
    return;
  }
  const typename = object.__typename;
  if (!typename || (step.matches as ReadonlySet<string>).has(typename as string)) {
    applyAtPath(rewrite, index + 1, object);
  }
}

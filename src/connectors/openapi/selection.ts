import type { TypeModel, TypeRef } from './model.js';
import { baseName } from './model.js';

/** How many object levels a selection descends before it stops (with a comment saying so). */
export const MAX_SELECTION_DEPTH = 5;

/**
 * The `selection:` of a connector returning `type`: every field of the object, recursively,
 * with `name: "json-key"` where the JSON property is not a valid GraphQL name. A list maps
 * each element; a scalar or enum return selects the whole body (`$`). Recursion stops at a
 * cycle (the repeated type gets its scalar fields only) and at MAX_SELECTION_DEPTH.
 */
export function selectionFor(type: TypeRef, types: ReadonlyMap<string, TypeModel>): string[] {
  const model = types.get(baseName(type));
  if (model?.kind !== 'object') return ['$'];
  return selectFields(model.name, types, [model.name], 1);
}

function selectFields(
  typeName: string,
  types: ReadonlyMap<string, TypeModel>,
  path: string[],
  depth: number,
): string[] {
  const model = types.get(typeName);
  if (model?.kind !== 'object') return [];
  const lines: string[] = [];
  for (const field of model.fields) {
    const key =
      field.name === field.sourceName ? field.name : `${field.name}: ${JSON.stringify(field.sourceName)}`;
    const child = types.get(baseName(field.type));
    if (child?.kind !== 'object') {
      lines.push(key);
      continue;
    }
    const where = `${model.name}.${field.name}`;
    let sub: string[];
    if (path.includes(child.name)) {
      sub = leafFields(child.name, types);
      if (sub.length > 0)
        sub.unshift(`# ${where}: ${child.name} repeats (a cycle), so only its scalar fields are selected`);
    } else if (depth >= MAX_SELECTION_DEPTH) {
      sub = leafFields(child.name, types);
      if (sub.length > 0)
        sub.unshift(
          `# ${where}: deeper than ${MAX_SELECTION_DEPTH} levels, so only its scalar fields are selected`,
        );
    } else {
      sub = selectFields(child.name, types, [...path, child.name], depth + 1);
    }
    if (sub.length === 0) {
      lines.push(`# ${where} is not selected: ${child.name} has no scalar fields to select here`);
      continue;
    }
    lines.push(`${key} {`, ...sub.map((line) => `  ${line}`), '}');
  }
  return lines;
}

function leafFields(typeName: string, types: ReadonlyMap<string, TypeModel>): string[] {
  const model = types.get(typeName);
  if (model?.kind !== 'object') return [];
  return model.fields
    .filter((field) => types.get(baseName(field.type))?.kind !== 'object')
    .map((field) =>
      field.name === field.sourceName ? field.name : `${field.name}: ${JSON.stringify(field.sourceName)}`,
    );
}

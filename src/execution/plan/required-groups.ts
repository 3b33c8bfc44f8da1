import type { SelectionNode } from 'graphql';
import { FRAGMENT_STEP, type RequiredField } from './required-arguments.js';
import { mergeSelections } from './fetch-documents.js';
import type { RequiresSelectionNode } from './representations.js';

/*
 * The groups an entity fetch is split into when its fields require one field with different
 * arguments, and the `requires` of each group (required-arguments-plan.ts).
 */

/** A field of an entity fetch, with what its @requires asks of fields with arguments. */
export interface Member {
  selection: SelectionNode;
  typeName: string;
  needs: readonly RequiredField[];
}

/**
 * The fetch's `requires` for one group of its fields: the required fields with arguments read from
 * their aliases (or themselves, where they have exactly the required arguments), with the
 * sub-selections their field sets give.
 */
export function groupRequires(
  requires: readonly RequiresSelectionNode[],
  group: readonly Member[],
  requiredPaths: ReadonlySet<string>,
  sources: ReadonlyMap<RequiredField, string | null>,
): RequiresSelectionNode[] | undefined {
  const result: RequiresSelectionNode[] = [];
  const placed = new Set<string>();
  for (const selection of requires) {
    if (selection.kind !== 'InlineFragment' || !selection.typeCondition) return undefined;
    const typeName = selection.typeCondition;
    const needs = group.filter((member) => member.typeName === typeName).flatMap((member) => member.needs);
    const selections = requiresLevel(selection.selections, [], needs, requiredPaths, sources);
    if (!selections) return undefined;
    placed.add(typeName);
    result.push({ ...selection, selections });
  }
  // A requirement of a type the plan's `requires` has no fragment for: not a form this fixes.
  if (group.some((member) => member.needs.length > 0 && !placed.has(member.typeName))) return undefined;
  return result;
}

/** Groups of fields that agree on the arguments of every field they require; the first takes the rest. */
export function groupByArguments(members: readonly Member[]): Member[][] {
  const groups: { members: Member[]; arguments: Map<string, string> }[] = [];
  for (const member of members) {
    const fits = (group: (typeof groups)[number]) =>
      member.needs.every((need) => {
        const taken = group.arguments.get(`${member.typeName}.${pathOf(need)}`);
        return taken === undefined || taken === need.argumentsKey;
      });
    let group = groups.find(fits);
    if (!group) groups.push((group = { members: [], arguments: new Map() }));
    group.members.push(member);
    for (const need of member.needs)
      group.arguments.set(`${member.typeName}.${pathOf(need)}`, need.argumentsKey);
  }
  return groups.map((group) => group.members);
}

/** Where a required field with arguments sits below the requiring type: `stats.views`. */
export function pathOf(need: RequiredField): string {
  return [...need.parentPath, need.name].join('.');
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return path.length >= prefix.length && prefix.every((step, index) => path[index] === step);
}

/**
 * One level of a `requires` (at `at` below the entity): the planner's fields with arguments left
 * out, the group's own added, read from their aliases or themselves. Undefined when a field leading to one of the
 * group's requirements is not there.
 */
function requiresLevel(
  selections: readonly RequiresSelectionNode[],
  at: readonly string[],
  needs: readonly RequiredField[],
  requiredPaths: ReadonlySet<string>,
  sources: ReadonlyMap<RequiredField, string | null>,
): RequiresSelectionNode[] | undefined {
  const result: RequiresSelectionNode[] = [];
  const reached = new Set<string>();
  for (const selection of selections) {
    if (selection.kind !== 'Field') {
      const step =
        selection.typeCondition === undefined ? undefined : FRAGMENT_STEP + selection.typeCondition;
      const path = step === undefined ? at : [...at, step];
      const below = step === undefined ? [] : needs.filter((need) => startsWith(need.parentPath, path));
      if (below.length === 0) {
        result.push(selection);
        continue;
      }
      const sub = requiresLevel(selection.selections, path, below, requiredPaths, sources);
      if (!sub) return undefined;
      reached.add(step as string);
      result.push({ ...selection, selections: sub });
      continue;
    }
    const path = [...at, selection.name];
    if (requiredPaths.has(path.join('.'))) continue;
    const below = needs.filter((need) => startsWith(need.parentPath, path));
    if (below.length === 0 || !selection.selections) {
      result.push(selection);
      continue;
    }
    const sub = requiresLevel(selection.selections, path, below, requiredPaths, sources);
    if (!sub) return undefined;
    reached.add(selection.name);
    result.push({ ...selection, selections: sub });
  }
  const needed = new Map<string, RequiresSelectionNode>();
  for (const need of needs) {
    if (need.parentPath.length > at.length) {
      if (!reached.has(need.parentPath[at.length] as string)) return undefined;
      continue;
    }
    // Where the value is read from: the alias, or the field itself (null).
    const source = sources.get(need) ?? null;
    const key = source ?? need.name;
    const earlier = needed.get(key);
    const merged = mergeSelections(
      earlier?.kind === 'Field' ? earlier.selections : undefined,
      need.selections,
    );
    needed.set(key, {
      kind: 'Field',
      name: need.name,
      ...(source === null ? {} : { readFrom: source }),
      ...(merged ? { selections: merged } : {}),
    });
  }
  return [...result, ...needed.values()];
}

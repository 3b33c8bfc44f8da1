import type { FetchNode } from '@apollo/query-planner';
import {
  Kind,
  print,
  stripIgnoredCharacters,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { FRAGMENT_STEP } from './required-arguments.js';
import type { RequiresSelectionNode } from './representations.js';

/* Reading and cutting the operation documents of query plan fetches (required-arguments-plan.ts). */

/** The inline fragments of an entity fetch's `_entities` selection. */
export function entityFragments(document: DocumentNode) {
  const operation = document.definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const entities = operation.selectionSet.selections[0];
  if (entities?.kind !== Kind.FIELD || entities.name.value !== '_entities' || !entities.selectionSet)
    return undefined;
  const fragments = entities.selectionSet.selections;
  return fragments.every((fragment) => fragment.kind === Kind.INLINE_FRAGMENT) ? fragments : undefined;
}

/** The entity fetch with its operation cut down to these fields, declaring only the variables they use. */
export function entityFetchOf(
  fetch: FetchNode,
  document: DocumentNode,
  selections: ReadonlySet<SelectionNode>,
): FetchNode {
  const operation = document.definitions[0] as OperationDefinitionNode;
  const entities = operation.selectionSet.selections[0] as FieldNode;
  const fragments = (entities.selectionSet as SelectionSetNode).selections.flatMap((fragment) => {
    if (fragment.kind !== Kind.INLINE_FRAGMENT) return [];
    const kept = fragment.selectionSet.selections.filter((selection) => selections.has(selection));
    return kept.length === 0
      ? []
      : [{ ...fragment, selectionSet: { ...fragment.selectionSet, selections: kept } }];
  });
  const used = new Set(variablesIn(fragments));
  const cut: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: (operation.variableDefinitions ?? []).filter(
      (definition) =>
        definition.variable.name.value === 'representations' || used.has(definition.variable.name.value),
    ),
    selectionSet: {
      ...operation.selectionSet,
      selections: [{ ...entities, selectionSet: { kind: Kind.SELECTION_SET, selections: fragments } }],
    },
  };
  const text = stripIgnoredCharacters(print({ ...document, definitions: [cut] }));
  const { operationDocumentNode: _unused, ...rest } = fetch;
  return {
    ...rest,
    operation: text,
    ...(fetch.variableUsages
      ? { variableUsages: fetch.variableUsages.filter((name) => used.has(name)) }
      : {}),
  };
}

/**
 * Where the fetch selects `name` (as its response key) for the entities at `path`: the selection sets
 * holding it, with the type condition of the innermost fragment around it there.
 */
export function fieldsAt(
  document: DocumentNode,
  fetchPath: readonly string[] | undefined,
  path: readonly string[],
  name: string,
): { selectionSet: SelectionSetNode; field: FieldNode; condition: string | undefined }[] {
  const operation = document.definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return [];
  let sets: SelectionSetNode[];
  let rest: readonly string[];
  if (fetchPath === undefined) {
    sets = [operation.selectionSet];
    rest = path;
  } else {
    // List markers aside, the fetch's entities must lie on the way to the path.
    const fetchSteps = fetchPath.filter(isFieldStep);
    const steps = path.filter(isFieldStep);
    if (fetchSteps.length > steps.length || fetchSteps.some((step, index) => steps[index] !== step))
      return [];
    const entities = operation.selectionSet.selections[0];
    if (entities?.kind !== Kind.FIELD || !entities.selectionSet) return [];
    sets = [entities.selectionSet];
    rest = steps.slice(fetchSteps.length);
  }
  for (const key of rest) {
    if (!isFieldStep(key)) continue;
    sets = sets.flatMap((set) =>
      fieldsNamed(set, key, undefined).flatMap((field) => (field.selectionSet ? [field.selectionSet] : [])),
    );
  }
  const found: { selectionSet: SelectionSetNode; field: FieldNode; condition: string | undefined }[] = [];
  const collect = (set: SelectionSetNode, condition: string | undefined) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD && !selection.alias && selection.name.value === name) {
        found.push({ selectionSet: set, field: selection, condition });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, selection.typeCondition?.name.value ?? condition);
      }
    }
  };
  for (const set of sets) collect(set, undefined);
  return found;
}

/** The fields with this response key in a selection set, through its fragments. */
export function fieldsNamed(
  set: SelectionSetNode,
  key: string,
  fragments: ReadonlyMap<string, FragmentDefinitionNode> | undefined,
): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === key) found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...fieldsNamed(selection.selectionSet, key, fragments));
    } else {
      const fragment = fragments?.get(selection.name.value);
      if (fragment) found.push(...fieldsNamed(fragment.selectionSet, key, fragments));
    }
  }
  return found;
}

/** Whether a fetched sub-selection has every field a requirement's sub-selection names. */
export function covers(
  fetched: SelectionSetNode | undefined,
  required: readonly RequiresSelectionNode[] | undefined,
): boolean {
  if (!required) return true;
  if (!fetched) return false;
  return required.every((selection) => {
    if (selection.kind !== 'Field') return covers(fetched, selection.selections);
    const field = fieldsNamed(fetched, selection.name, undefined).find(
      (candidate) => candidate.name.value === selection.name,
    );
    return field !== undefined && covers(field.selectionSet, selection.selections);
  });
}

export function mergeSelections(
  a: readonly RequiresSelectionNode[] | undefined,
  b: readonly RequiresSelectionNode[] | undefined,
): RequiresSelectionNode[] | undefined {
  if (!a) return b ? [...b] : undefined;
  if (!b) return [...a];
  const merged = [...a];
  for (const selection of b) {
    const index = merged.findIndex(
      (existing) =>
        existing.kind === 'Field' && selection.kind === 'Field' && existing.name === selection.name,
    );
    const existing = merged[index];
    if (existing?.kind === 'Field' && selection.kind === 'Field') {
      const selections = mergeSelections(existing.selections, selection.selections);
      merged[index] = { ...existing, ...(selections ? { selections } : {}) };
    } else {
      merged.push(selection);
    }
  }
  return merged;
}

export function withoutDirectives(set: SelectionSetNode): SelectionSetNode {
  return visit(set, {
    Directive: () => null,
  });
}

export function variablesIn(nodes: readonly ArgumentNode[] | readonly SelectionNode[]): string[] {
  const names: string[] = [];
  for (const node of nodes) {
    visit(node, {
      Variable(variable) {
        if (!names.includes(variable.name.value)) names.push(variable.name.value);
      },
    });
  }
  return names;
}

export function sameArguments(
  a: readonly ArgumentNode[] | undefined,
  b: readonly ArgumentNode[] | undefined,
): boolean {
  const printed = (list: readonly ArgumentNode[] | undefined) =>
    (list ?? [])
      .map((argument) => print(argument))
      .sort()
      .join(',');
  return printed(a) === printed(b);
}

/** Whether a path step names a field: not a list marker (`@`), not a type condition. */
export function isFieldStep(step: string): boolean {
  return step !== '@' && !step.startsWith(FRAGMENT_STEP);
}

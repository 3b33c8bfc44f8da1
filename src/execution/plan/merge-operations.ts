import {
  Kind,
  print,
  stripIgnoredCharacters,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';

/*
 * Several fetch operations to one subgraph, merged into one operation so that they cost one HTTP
 * exchange: each operation's root fields are aliased and its variables renamed with a prefix of its
 * own (`_0_`, `_1_`, …), and fragments that clash are renamed too. The answer is split back by the
 * aliases. Built once per combination of operations and cached by the caller.
 */

export function partPrefix(index: number): string {
  return `_${index}_`;
}

/** The operation of a fetch document, or undefined when it has none. */
export function operationOf(document: DocumentNode): OperationDefinitionNode | undefined {
  return document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
}

/**
 * The response keys of the root fields of a query with nothing but fields at its root and no
 * operation directives; undefined when it cannot be merged with others.
 */
export function mergeableRootKeys(document: DocumentNode): string[] | undefined {
  const operation = operationOf(document);
  if (!operation || operation.operation !== 'query' || (operation.directives?.length ?? 0) > 0)
    return undefined;
  const keys: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return undefined;
    const key = (selection.alias ?? selection.name).value;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

export interface MergePart {
  document: DocumentNode;
  prefix: string;
}

export function mergeOperations(parts: readonly MergePart[], operationName: string | undefined): string {
  const variableDefinitions: VariableDefinitionNode[] = [];
  const rootSelections: SelectionNode[] = [];
  const fragments = new Map<string, { printed: string; hasVariables: boolean }>();
  const fragmentDefinitions: FragmentDefinitionNode[] = [];

  for (const { document, prefix } of parts) {
    const operation = operationOf(document);
    if (!operation) throw new Error('A fetch document has no operation');
    const own = document.definitions.filter(
      (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
    );
    const printed = own.map((fragment) => print(fragment));
    // A fragment may be shared only when an identical one without variables is already there; on any
    // other clash, every fragment of this part gets the part's prefix.
    const clash = own.some((fragment, index) => {
      const existing = fragments.get(fragment.name.value);
      return existing !== undefined && (existing.printed !== printed[index] || existing.hasVariables);
    });
    const renames = new Map<string, string>();
    if (clash) {
      for (const fragment of own) {
        let name = `${prefix}${fragment.name.value}`;
        while (fragments.has(name) || own.some((other) => other.name.value === name)) name = `_${name}`;
        renames.set(fragment.name.value, name);
      }
    }
    const rename = {
      Variable: (node: { name: { value: string } }) => ({
        ...node,
        name: { ...node.name, value: prefix + node.name.value },
      }),
      FragmentSpread: (node: { name: { value: string } }) => {
        const renamed = renames.get(node.name.value);
        return renamed === undefined ? undefined : { ...node, name: { ...node.name, value: renamed } };
      },
    };
    own.forEach((fragment, index) => {
      const name = renames.get(fragment.name.value) ?? fragment.name.value;
      if (fragments.has(name)) return;
      const hasVariables = (printed[index] as string).includes('$');
      fragments.set(name, { printed: printed[index] as string, hasVariables });
      const renamed = visit(fragment, rename) as FragmentDefinitionNode;
      fragmentDefinitions.push({ ...renamed, name: { ...renamed.name, value: name } });
    });
    const renamedOperation = visit(operation, rename) as OperationDefinitionNode;
    variableDefinitions.push(...(renamedOperation.variableDefinitions ?? []));
    for (const selection of renamedOperation.selectionSet.selections) {
      const field = selection as FieldNode;
      const key = (field.alias ?? field.name).value;
      rootSelections.push({ ...field, alias: { kind: Kind.NAME, value: prefix + key } });
    }
  }

  const merged: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as OperationDefinitionNode['operation'],
        ...(operationName === undefined ? {} : { name: { kind: Kind.NAME, value: operationName } }),
        variableDefinitions,
        directives: [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: rootSelections },
      },
      ...fragmentDefinitions,
    ],
  };
  return stripIgnoredCharacters(print(merged));
}

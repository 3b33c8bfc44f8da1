import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Decide } from './decide.js';
import { prefixed, type PathSegment, type RemovedField } from './removed-paths.js';
import type { Requirement, RequirementIndex } from './requirements.js';

export interface FilterOptions {
  /** The API schema the operation was validated against. */
  schema: GraphQLSchema;
  requirements: RequirementIndex;
  document: DocumentNode;
  operationName?: string | null | undefined;
  /** The request's variables, to leave out of the report what `@skip`/`@include` exclude. */
  variables?: Readonly<Record<string, unknown>> | undefined;
  decide: Decide;
}

export interface FilterResult {
  /** The operation without what the caller may not see; the very same object when nothing was removed. */
  document: DocumentNode;
  /** The removed fields, by response path (see removed-paths.ts). */
  removed: RemovedField[];
  /** Every root field was removed: there is nothing to run. */
  nothingLeft: boolean;
}

/**
 * Removes from the operation every field the caller may not see. A field's requirement is its
 * own, its return type's and, on an interface, every implementation's; a fragment on a type the
 * caller may not see loses all its fields (but `__typename`); a field whose selection ends up empty
 * is removed itself. The document only depends on the decisions, never on variables, so it can be
 * planned and cached like any other.
 */
export async function filterOperation(options: FilterOptions): Promise<FilterResult> {
  const { document, operationName, decide } = options;
  const operation = getOperationAST(document, operationName);
  const unchanged: FilterResult = { document, removed: [], nothingLeft: false };
  if (!operation) return unchanged;
  // First pass: which requirements does the operation meet at all? Then decide them together,
  // so that policies are evaluated once and the authorizer asked once.
  const touched = new Set<Requirement>();
  new OperationFilter(options, operation, (requirement) => {
    touched.add(requirement);
    return true;
  }).run();
  if (touched.size === 0) return unchanged;
  const requirements = [...touched];
  const decisions = await Promise.all(requirements.map((requirement) => decide(requirement)));
  const denied = new Set(requirements.filter((_, index) => !decisions[index]));
  if (denied.size === 0) return unchanged;
  return new OperationFilter(options, operation, (requirement) => !denied.has(requirement)).run();
}

/** What became of one selection: its replacement (none when removed) and the removals within it. */
interface Selected {
  node: SelectionNode | undefined;
  removed: RemovedField[];
  /** The type condition of a fragment, under which its removals apply. */
  condition?: GraphQLCompositeType;
}

interface Filtered {
  /** `undefined` when nothing is left. */
  selectionSet: SelectionSetNode | undefined;
  /** Relative to the object that owns the selection set. */
  removed: RemovedField[];
}

class OperationFilter {
  private readonly schema: GraphQLSchema;
  private readonly requirements: RequirementIndex;
  private readonly variables: Readonly<Record<string, unknown>>;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly filteredFragments = new Map<string, Filtered>();
  private usedNames: Set<string> | undefined;
  private markers = 0;
  private changed = false;

  constructor(
    private readonly options: FilterOptions,
    private readonly operation: OperationDefinitionNode,
    private readonly allowed: (requirement: Requirement) => boolean,
  ) {
    this.schema = options.schema;
    this.requirements = options.requirements;
    this.variables = options.variables ?? {};
    for (const definition of options.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  run(): FilterResult {
    const { document } = this.options;
    const root = this.schema.getRootType(this.operation.operation);
    if (!root) return { document, removed: [], nothingLeft: false };
    const filtered = this.selectionSet(root, this.operation.selectionSet, this.typeDenied(root));
    if (!this.changed) return { document, removed: [], nothingLeft: false };
    if (!filtered.selectionSet) return { document, removed: filtered.removed, nothingLeft: true };
    const operation: OperationDefinitionNode = { ...this.operation, selectionSet: filtered.selectionSet };
    const fragments = [...this.usedFragments(operation)].map((name) => {
      const definition = this.fragments.get(name) as FragmentDefinitionNode;
      const selectionSet = this.filteredFragments.get(name)?.selectionSet ?? definition.selectionSet;
      return selectionSet === definition.selectionSet ? definition : { ...definition, selectionSet };
    });
    return {
      document: { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      removed: filtered.removed,
      nothingLeft: false,
    };
  }

  private selectionSet(parentType: GraphQLCompositeType, node: SelectionSetNode, denyAll: boolean): Filtered {
    const kept: SelectionNode[] = [];
    const markers: SelectionNode[] = [];
    const removed: RemovedField[] = [];
    let changed = false;
    for (const selection of node.selections) {
      const result = this.selection(parentType, selection, denyAll);
      if (result.node !== selection) changed = true;
      if (result.node) kept.push(result.node);
      // What @skip/@include leave out is removed all the same, but not reported: the caller did not ask for it.
      if (result.removed.length === 0 || !this.included(selection)) continue;
      const condition = result.condition;
      removed.push(
        ...(condition ? this.conditioned(parentType, condition, result.removed, markers) : result.removed),
      );
    }
    if (markers.length > 0) changed = true;
    if (kept.length === 0) {
      this.changed = true;
      return { selectionSet: undefined, removed };
    }
    if (!changed) return { selectionSet: node, removed };
    this.changed = true;
    return { selectionSet: { ...node, selections: [...kept, ...markers] }, removed };
  }

  private selection(parentType: GraphQLCompositeType, selection: SelectionNode, denyAll: boolean): Selected {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(parentType, selection, denyAll);
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition
          ? this.schema.getType(selection.typeCondition.name.value)
          : parentType;
        if (!isCompositeType(condition)) return { node: selection, removed: [] };
        const inner = this.selectionSet(
          condition,
          selection.selectionSet,
          denyAll || this.typeDenied(condition),
        );
        return {
          node: inner.selectionSet && this.withSelectionSet(selection, inner.selectionSet),
          removed: inner.removed,
          condition,
        };
      }
      case Kind.FRAGMENT_SPREAD:
        return this.fragmentSpread(selection, denyAll);
    }
  }

  private field(parentType: GraphQLCompositeType, node: FieldNode, denyAll: boolean): Selected {
    const name = node.name.value;
    // __typename is always allowed; __schema and __type are introspection's (see introspection.ts).
    if (name.startsWith('__')) return { node, removed: [] };
    const definition =
      isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
    if (!definition) return { node, removed: [] };
    const [own, ...lists] = segmentsOf(node.alias?.value ?? name, definition.type);
    const self = [own as PathSegment];
    const requirement = this.requirements.field(parentType, name);
    if (denyAll || (requirement !== undefined && !this.allowed(requirement))) {
      return { node: undefined, removed: [{ path: self }] };
    }
    const namedType = getNamedType(definition.type);
    if (!node.selectionSet || !isCompositeType(namedType)) return { node, removed: [] };
    const inner = this.selectionSet(namedType, node.selectionSet, false);
    const beneath = inner.removed.map((entry) => prefixed(entry, [...self, ...lists]));
    if (!inner.selectionSet) {
      return { node: undefined, removed: [beneath.length > 0 ? { path: self, beneath } : { path: self }] };
    }
    return { node: this.withSelectionSet(node, inner.selectionSet), removed: beneath };
  }

  private fragmentSpread(node: FragmentSpreadNode, denyAll: boolean): Selected {
    const definition = this.fragments.get(node.name.value);
    const condition = definition && this.schema.getType(definition.typeCondition.name.value);
    if (!definition || !isCompositeType(condition)) return { node, removed: [] };
    if (denyAll || this.typeDenied(condition)) {
      // Only __typename can survive; inline what is left rather than keep a second variant of the fragment.
      const inner = this.selectionSet(condition, definition.selectionSet, true);
      return {
        node: inner.selectionSet && {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: definition.typeCondition,
          directives: node.directives ?? [],
          selectionSet: inner.selectionSet,
        },
        removed: inner.removed,
        condition,
      };
    }
    // Filtering a fragment's content does not depend on where it is spread: do it once.
    let inner = this.filteredFragments.get(definition.name.value);
    if (!inner) {
      inner = this.selectionSet(condition, definition.selectionSet, false);
      this.filteredFragments.set(definition.name.value, inner);
    }
    return { node: inner.selectionSet ? node : undefined, removed: inner.removed, condition };
  }

  /**
   * Removals under a type condition apply only to objects of that type. When the condition does not
   * always hold here, the objects it matched are marked with an aliased `__typename`.
   */
  private conditioned(
    parentType: GraphQLCompositeType,
    condition: GraphQLCompositeType,
    removed: RemovedField[],
    markers: SelectionNode[],
  ): RemovedField[] {
    if (removed.length === 0 || condition === parentType || isObjectType(parentType)) return removed;
    const marker = this.nextMarker();
    markers.push({
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: condition.name } },
      selectionSet: {
        kind: Kind.SELECTION_SET,
        selections: [
          {
            kind: Kind.FIELD,
            alias: { kind: Kind.NAME, value: marker },
            name: { kind: Kind.NAME, value: '__typename' },
          },
        ],
      },
    });
    const segment: PathSegment = { kind: 'type', typeName: condition.name, marker };
    return removed.map((entry) => prefixed(entry, [segment]));
  }

  private nextMarker(): string {
    if (!this.usedNames) {
      const used = new Set<string>();
      visit(this.options.document, {
        Field: (node) => {
          used.add(node.name.value);
          if (node.alias) used.add(node.alias.value);
        },
      });
      this.usedNames = used;
    }
    let marker: string;
    do marker = `gatehouseAuthorization${this.markers++}`;
    while (this.usedNames.has(marker));
    return marker;
  }

  private typeDenied(type: GraphQLCompositeType): boolean {
    const requirement = this.requirements.type(type.name);
    return requirement !== undefined && !this.allowed(requirement);
  }

  private withSelectionSet<T extends SelectionNode & { selectionSet?: SelectionSetNode | undefined }>(
    node: T,
    selectionSet: SelectionSetNode,
  ): T {
    return node.selectionSet === selectionSet ? node : { ...node, selectionSet };
  }

  /** Whether @skip/@include let the selection through with these variables (for the report only). */
  private included(node: SelectionNode): boolean {
    if (!node.directives?.length) return true;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.['if'] === true) return false;
      return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.['if'] !== false;
    } catch {
      return true;
    }
  }

  private usedFragments(operation: OperationDefinitionNode): Set<string> {
    const used = new Set<string>();
    const pending: SelectionSetNode[] = [operation.selectionSet];
    for (let selectionSet = pending.pop(); selectionSet; selectionSet = pending.pop()) {
      visit(selectionSet, {
        FragmentSpread: (spread) => {
          const name = spread.name.value;
          if (used.has(name) || !this.fragments.has(name)) return;
          used.add(name);
          const filtered = this.filteredFragments.get(name)?.selectionSet;
          pending.push(filtered ?? (this.fragments.get(name) as FragmentDefinitionNode).selectionSet);
        },
      });
    }
    return used;
  }
}

/** The field's own segment, then one per list level, each with its nullability. */
function segmentsOf(key: string, type: GraphQLOutputType): PathSegment[] {
  const segments: PathSegment[] = [{ kind: 'field', key, nonNull: isNonNullType(type) }];
  for (let inner = getNullableType(type); isListType(inner);) {
    const item: GraphQLOutputType = inner.ofType;
    segments.push({ kind: 'list', nonNull: isNonNullType(item) });
    inner = getNullableType(item);
  }
  return segments;
}

import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CostTable, ListSizeSpec } from './cost-table.js';
import { OperationValues } from './operation-values.js';

/** What a cost is calculated of. */
export interface CostInput {
  readonly table: CostTable;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
}

export interface Estimate {
  readonly cost: number;
  /** True when a variable's value changed the estimate: then it holds for this request only. */
  readonly variablesUsed: boolean;
  /**
   * Fields that break `requireOneSlicingArgument` (none, or several, of their slicing arguments);
   * IBM's spec makes that a validation error.
   */
  readonly problems: readonly string[];
}

/** Apollo Router's base cost of a mutation; queries and subscriptions cost nothing of their own. */
export const MUTATION_BASE_COST = 10;

/** The size a `@listSize` field gives to its own list, or to its `sizedFields`. */
interface SizedFields {
  readonly names: readonly string[];
  readonly size: number | undefined;
}

/**
 * The estimated cost of an operation before it runs, as Apollo Router's static estimate (and IBM's
 * Static Query Analysis) computes it: each field costs its weight plus its selections, times the
 * number of items a list is expected to hold, plus its arguments; never less than zero. The list
 * size comes from `@listSize` (slicing arguments, else `assumedSize`), else `defaultListSize`.
 */
export function estimateCost(input: CostInput, defaultListSize: number): Estimate {
  return new Estimator(input, defaultListSize).run();
}

class Estimator {
  private readonly values: OperationValues;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** Fragment costs, per fragment and sizing context: a reused fragment is walked once. */
  private readonly fragmentCosts = new Map<string, number>();
  private readonly contextIds = new WeakMap<SizedFields, number>();
  private nextContextId = 1;
  private readonly problems = new Set<string>();

  constructor(
    private readonly input: CostInput,
    private readonly defaultListSize: number,
  ) {
    this.values = new OperationValues(input.table, input.variables);
    for (const definition of input.document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
  }

  run(): Estimate {
    const { operation, table } = this.input;
    const root = table.schema.getRootType(operation.operation);
    const base = operation.operation === 'mutation' ? MUTATION_BASE_COST : 0;
    const cost = root ? base + this.selectionSet(operation.selectionSet, root, undefined) : base;
    // A cost beyond what a number holds is still a number a client can be shown and compared with.
    const bounded = Number.isFinite(cost) ? cost : Number.MAX_VALUE;
    return { cost: bounded, variablesUsed: this.values.variablesUsed, problems: [...this.problems] };
  }

  private selectionSet(
    set: SelectionSetNode,
    parent: GraphQLNamedType,
    sized: SizedFields | undefined,
  ): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (this.values.skipped(selection.directives)) continue;
      switch (selection.kind) {
        case Kind.FIELD:
          cost += this.field(selection, parent, sized);
          break;
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition?.name.value;
          const type = condition === undefined ? parent : this.input.table.schema.getType(condition);
          if (type) cost += this.selectionSet(selection.selectionSet, type, sized);
          break;
        }
        case Kind.FRAGMENT_SPREAD:
          cost += this.fragment(selection.name.value, sized);
          break;
      }
    }
    return cost;
  }

  private fragment(name: string, sized: SizedFields | undefined): number {
    const key = `${name}\0${sized ? this.contextId(sized) : 0}`;
    const known = this.fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    const type = fragment && this.input.table.schema.getType(fragment.typeCondition.name.value);
    // Validation has refused cycles before the estimate runs; this guards a caller that did not validate.
    this.fragmentCosts.set(key, 0);
    const cost = fragment && type ? this.selectionSet(fragment.selectionSet, type, sized) : 0;
    this.fragmentCosts.set(key, cost);
    return cost;
  }

  private contextId(sized: SizedFields): number {
    let id = this.contextIds.get(sized);
    if (id === undefined) {
      id = this.nextContextId++;
      this.contextIds.set(sized, id);
    }
    return id;
  }

  private field(node: FieldNode, parent: GraphQLNamedType, sized: SizedFields | undefined): number {
    // __typename and introspection fields cost nothing; only objects and interfaces have fields.
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const definition = parent.getFields()[node.name.value];
    if (!definition) return 0;
    const info = this.input.table.field(parent, definition);
    const expected = info.listSize && this.expectedSize(parent, node, info.listSize);
    let count = 1;
    if (info.listDepth > 0) {
      const upstream = sized?.names.includes(node.name.value) ? sized.size : undefined;
      count = (upstream ?? expected ?? this.defaultListSize) ** info.listDepth;
    }
    const childSized =
      info.listSize && info.listSize.sizedFields.length > 0
        ? { names: info.listSize.sizedFields, size: expected }
        : undefined;
    const selections = node.selectionSet
      ? this.selectionSet(node.selectionSet, getNamedType(definition.type), childSized)
      : 0;
    const items = count === 0 ? 0 : count * (info.weight + selections);
    const cost = items + this.values.arguments(parent, definition, node.arguments);
    return Number.isNaN(cost) ? Infinity : Math.max(0, cost);
  }

  /**
   * The largest value of the slicing arguments the field is given (their schema defaults when it is
   * given none), else `assumedSize`. IBM's sec. 8.2 and 8.4; Apollo Router's `@listSize`.
   */
  private expectedSize(
    parent: GraphQLNamedType,
    node: FieldNode,
    listSize: ListSizeSpec,
  ): number | undefined {
    if (listSize.slicingArguments.length === 0) return listSize.assumedSize;
    const given: number[] = [];
    for (const name of listSize.slicingArguments) {
      const value = this.values.integer(node.arguments?.find((arg) => arg.name.value === name)?.value);
      if (value !== undefined) given.push(Math.max(0, value));
    }
    if (given.length === 0 && (isObjectType(parent) || isInterfaceType(parent))) {
      const definition = parent.getFields()[node.name.value];
      for (const argument of definition?.args ?? []) {
        const fallback = argument.defaultValue;
        if (listSize.slicingArguments.includes(argument.name) && typeof fallback === 'number')
          given.push(Math.max(0, fallback));
      }
    }
    if (listSize.requireOneSlicingArgument && given.length !== 1) {
      this.problems.add(
        `${parent.name}.${node.name.value} needs exactly one of its slicing arguments (${listSize.slicingArguments.join(', ')}); the operation gives ${given.length}.`,
      );
    }
    return given.length > 0 ? Math.max(...given) : listSize.assumedSize;
  }
}

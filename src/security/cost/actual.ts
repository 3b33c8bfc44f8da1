import {
  Kind,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type SelectionSetNode,
} from 'graphql';
import type { FieldCost } from './cost-table.js';
import { MUTATION_BASE_COST, type CostInput } from './estimate.js';
import { OperationValues } from './operation-values.js';

/** The response's `data` and what produced it. */
export interface ActualCostInput extends CostInput {
  readonly data: Readonly<Record<string, unknown>> | null | undefined;
}

/** Fields of one response object under one response key (the same key may be selected twice). */
interface CollectedField {
  readonly parent: GraphQLNamedType;
  readonly nodes: FieldNode[];
}

/** How to weigh one response key of the objects of one type, worked out once for all of them. */
interface FieldPlan {
  readonly key: string;
  readonly cost: FieldCost;
  readonly type: GraphQLNamedType;
  /** The selection sets of the field's nodes, merged. */
  readonly sets: readonly SelectionSetNode[];
  /** Arguments count once per object that has the field. */
  readonly argumentCost: number;
}

/**
 * The cost of what the response holds, weighed as the estimate is but with the lists' real lengths
 * (IBM's Query Response Analysis; Apollo Router's actual cost): each object weighs its field's (or
 * type's) weight, a leaf its `@cost` if any, a field's arguments count once per object that has the
 * field, and a null is only what its `@cost` says. A field selected twice under one key counts once,
 * since it was resolved once. Absent data (an operation that did not run) costs 0.
 */
export function actualCost(input: ActualCostInput): number {
  if (input.data === null || input.data === undefined) return 0;
  const walker = new ResponseWalker(input);
  const root = input.table.schema.getRootType(input.operation.operation);
  const base = input.operation.operation === 'mutation' ? MUTATION_BASE_COST : 0;
  return root ? base + walker.object(input.data, root, [input.operation.selectionSet]) : base;
}

class ResponseWalker {
  private readonly values: OperationValues;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /**
   * The plans of some selection sets, per runtime type: the items of a list share them, so that a
   * long list walks its selections once, not once per item.
   */
  private readonly plans = new WeakMap<readonly SelectionSetNode[], Map<string, FieldPlan[]>>();

  constructor(private readonly input: ActualCostInput) {
    this.values = new OperationValues(input.table, input.variables);
    for (const definition of input.document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
  }

  object(
    value: Readonly<Record<string, unknown>>,
    type: GraphQLNamedType,
    sets: readonly SelectionSetNode[],
  ): number {
    let cost = 0;
    for (const field of this.plan(sets, type, this.runtimeType(value))) {
      if (!(field.key in value)) continue;
      cost += Math.max(0, this.value(value[field.key], field) + field.argumentCost);
    }
    return cost;
  }

  private value(item: unknown, field: FieldPlan): number {
    if (item === null || item === undefined) return field.cost.explicitWeight ?? 0;
    if (Array.isArray(item)) {
      let cost = 0;
      for (const element of item) cost += this.value(element, field);
      return cost;
    }
    if (typeof item !== 'object') return field.cost.weight;
    const object = item as Record<string, unknown>;
    // The object's own type, when __typename says which, weighs it rather than the field's type
    // (an interface or union weighs as its heaviest member).
    const runtime = field.cost.fieldWeight === undefined ? this.runtimeType(object) : undefined;
    const weight =
      field.cost.fieldWeight ?? (runtime ? this.input.table.typeWeight(runtime) : field.cost.weight);
    return weight + this.object(object, field.type, field.sets);
  }

  private runtimeType(value: Readonly<Record<string, unknown>>): GraphQLNamedType | undefined {
    const typename = value.__typename;
    const type = typeof typename === 'string' ? this.input.table.schema.getType(typename) : undefined;
    return type && isObjectType(type) ? type : undefined;
  }

  private plan(
    sets: readonly SelectionSetNode[],
    type: GraphQLNamedType,
    concrete: GraphQLNamedType | undefined,
  ): FieldPlan[] {
    let byType = this.plans.get(sets);
    if (!byType) this.plans.set(sets, (byType = new Map()));
    const known = byType.get(concrete?.name ?? '');
    if (known) return known;
    const fields = new Map<string, CollectedField>();
    const spread = new Set<string>();
    for (const set of sets) this.collect(set, concrete ?? type, concrete, fields, spread);
    const plan: FieldPlan[] = [];
    for (const [key, { parent: declared, nodes }] of fields) {
      const parent = concrete ?? declared;
      const [first] = nodes;
      if (!first || (!isObjectType(parent) && !isInterfaceType(parent))) continue;
      // __typename and introspection fields are not in the type's fields: they cost nothing.
      const definition = parent.getFields()[first.name.value];
      if (!definition) continue;
      plan.push({
        key,
        cost: this.input.table.field(parent, definition),
        type: getNamedType(definition.type),
        sets: nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])),
        argumentCost: this.values.arguments(parent, definition, first.arguments),
      });
    }
    byType.set(concrete?.name ?? '', plan);
    return plan;
  }

  private collect(
    set: SelectionSetNode,
    parent: GraphQLNamedType,
    concrete: GraphQLNamedType | undefined,
    fields: Map<string, CollectedField>,
    spread: Set<string>,
  ): void {
    const { schema } = this.input.table;
    for (const selection of set.selections) {
      if (this.values.skipped(selection.directives)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const key = selection.alias?.value ?? selection.name.value;
          const known = fields.get(key);
          if (known) known.nodes.push(selection);
          else fields.set(key, { parent, nodes: [selection] });
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition && schema.getType(selection.typeCondition.name.value);
          if (condition && !this.applies(condition, concrete)) break;
          this.collect(selection.selectionSet, condition ?? parent, concrete, fields, spread);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          if (!fragment || spread.has(name)) break;
          spread.add(name);
          const condition = schema.getType(fragment.typeCondition.name.value);
          if (!condition || !this.applies(condition, concrete)) break;
          this.collect(fragment.selectionSet, condition, concrete, fields, spread);
          break;
        }
      }
    }
  }

  /** Without `__typename` the runtime type is unknown: every fragment counts (an upper bound). */
  private applies(condition: GraphQLNamedType, concrete: GraphQLNamedType | undefined): boolean {
    if (!concrete || condition === concrete) return true;
    return (
      isAbstractType(condition) &&
      isObjectType(concrete) &&
      this.input.table.schema.isSubType(condition, concrete)
    );
  }
}

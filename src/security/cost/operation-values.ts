import {
  Kind,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type ArgumentNode,
  type DirectiveNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type ValueNode,
} from 'graphql';
import type { CostTable } from './cost-table.js';

/**
 * What one cost calculation reads of the request besides the document: its variables, and whether
 * any of them changed the result (then the estimate is not cached for the document).
 */
export class OperationValues {
  /** Set when a variable's value was read where it could change the cost. */
  variablesUsed = false;

  constructor(
    readonly table: CostTable,
    private readonly variables: Readonly<Record<string, unknown>> | undefined,
  ) {}

  variable(name: string): unknown {
    this.variablesUsed = true;
    return this.variables?.[name];
  }

  /** `@skip(if: true)` or `@include(if: false)`, from a literal or a variable. */
  skipped(directives: readonly DirectiveNode[] | undefined): boolean {
    if (!directives?.length) return false;
    for (const directive of directives) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((arg) => arg.name.value === 'if')?.value;
      const value =
        condition?.kind === Kind.BOOLEAN
          ? condition.value
          : condition?.kind === Kind.VARIABLE
            ? this.variable(condition.name.value) === true
            : undefined;
      if (value === undefined) continue;
      if (name === 'skip' ? value : !value) return true;
    }
    return false;
  }

  /** An integer argument's value from a literal or a variable; undefined when absent or null. */
  integer(value: ValueNode | undefined): number | undefined {
    if (value?.kind === Kind.INT) return Number(value.value);
    if (value?.kind !== Kind.VARIABLE) return undefined;
    const variable = this.variable(value.name.value);
    return typeof variable === 'number' && Number.isInteger(variable) ? variable : undefined;
  }

  /**
   * The cost of a field's arguments, as Apollo Router scores them: an argument or input field
   * weighs its `@cost` (else its type's); an input object weighs 1 unless its argument says
   * otherwise, plus its fields; a list weighs its items; null weighs nothing. IBM's spec adds the
   * weights the same way (sec. 5.3.2.2 "Field Cost").
   */
  arguments(
    parent: GraphQLNamedType,
    field: GraphQLField<unknown, unknown>,
    nodes: readonly ArgumentNode[] | undefined,
  ): number {
    let cost = 0;
    for (const node of nodes ?? []) {
      const argument = field.args.find((arg) => arg.name === node.name.value);
      if (!argument) continue;
      cost += this.literal(node.value, argument.type, this.table.argumentWeight(parent, field, argument));
    }
    return cost;
  }

  private literal(value: ValueNode, type: GraphQLInputType, weight: number | undefined): number {
    switch (value.kind) {
      case Kind.NULL:
        return 0;
      case Kind.VARIABLE:
        // A leaf without a weight costs nothing whatever its value: no need to depend on it.
        if (weight === undefined && !hasStructure(type)) return 0;
        return this.json(this.variable(value.name.value), type, weight);
      case Kind.LIST: {
        const item = itemType(type);
        let cost = weight ?? 0;
        for (const element of value.values) cost += this.literal(element, item, weight);
        return cost;
      }
      case Kind.OBJECT: {
        const inputType = getNamedType(type);
        if (!isInputObjectType(inputType)) return weight ?? 0;
        let cost = weight ?? 1;
        const fields = inputType.getFields();
        for (const field of value.fields) {
          const definition = fields[field.name.value];
          if (definition)
            cost += this.literal(
              field.value,
              definition.type,
              this.table.inputFieldWeight(inputType, definition),
            );
        }
        return cost;
      }
      default:
        return weight ?? 0;
    }
  }

  private json(value: unknown, type: GraphQLInputType, weight: number | undefined): number {
    if (value === null || value === undefined) return 0;
    if (Array.isArray(value)) {
      const item = itemType(type);
      let cost = weight ?? 0;
      for (const element of value) cost += this.json(element, item, weight);
      return cost;
    }
    const inputType = getNamedType(type);
    if (typeof value !== 'object' || !isInputObjectType(inputType)) return weight ?? 0;
    let cost = weight ?? 1;
    const fields = inputType.getFields();
    for (const [name, fieldValue] of Object.entries(value)) {
      const definition = fields[name];
      if (definition)
        cost += this.json(fieldValue, definition.type, this.table.inputFieldWeight(inputType, definition));
    }
    return cost;
  }
}

function itemType(type: GraphQLInputType): GraphQLInputType {
  const nullable = isNonNullType(type) ? type.ofType : type;
  return isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable;
}

function hasStructure(type: GraphQLInputType): boolean {
  const nullable = isNonNullType(type) ? type.ofType : type;
  return isListType(nullable) || isInputObjectType(nullable);
}

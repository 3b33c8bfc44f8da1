import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isInterfaceType,
  parse,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** `@listSize` of one field, as the cost spec defines it. */
export interface ListSizeSpec {
  readonly assumedSize: number | undefined;
  readonly slicingArguments: readonly string[];
  readonly sizedFields: readonly string[];
  readonly requireOneSlicingArgument: boolean;
}

/** What the estimate needs of one output field, resolved once per supergraph. */
export interface FieldCost {
  /** The field's own `@cost`, else its type's, else 1 for composite types and 0 for leaves. */
  readonly weight: number;
  /** The `@cost` of the field or of its type, when one is set (a null answer costs only that). */
  readonly explicitWeight: number | undefined;
  /** The field's own `@cost` (or its implementations', on an interface), without its type's. */
  readonly fieldWeight: number | undefined;
  readonly listSize: ListSizeSpec | undefined;
  /** How many list wrappers its type has (`[[T]]` is 2). */
  readonly listDepth: number;
}

/**
 * The weights of a supergraph: `@cost` and `@listSize` keyed by schema coordinates (`Type`,
 * `Type.field`, `Type.field(arg:)`, `Input.field`), read from the supergraph SDL, where composition
 * (Federation 2.9+) carries them from the subgraphs. The API schema, which has no directives, gives
 * the types; each field is resolved on first use and kept for this supergraph.
 */
export class CostTable {
  private readonly fields = new WeakMap<GraphQLField<unknown, unknown>, FieldCost>();

  constructor(
    readonly schema: GraphQLSchema,
    private readonly weights: ReadonlyMap<string, number>,
    private readonly listSizes: ReadonlyMap<string, ListSizeSpec>,
  ) {}

  /** The weight of a named type: `@cost`, else 1 for composite types and 0 for scalars and enums. */
  typeWeight(type: GraphQLNamedType): number {
    // The spec forbids @cost on interfaces and unions: they weigh what their heaviest member weighs,
    // so that the estimate stays an upper bound of whatever runtime type comes back.
    if (isAbstractType(type)) {
      let heaviest = 1;
      for (const member of this.schema.getPossibleTypes(type))
        heaviest = Math.max(heaviest, this.weights.get(member.name) ?? 1);
      return heaviest;
    }
    return this.weights.get(type.name) ?? (isCompositeType(type) ? 1 : 0);
  }

  field(parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>): FieldCost {
    const known = this.fields.get(field);
    if (known) return known;
    const coordinate = `${parent.name}.${field.name}`;
    const type = getNamedType(field.type);
    const fieldWeight = this.weights.get(coordinate) ?? this.implementationsWeight(parent, field);
    const explicitWeight = fieldWeight ?? this.weights.get(type.name);
    const resolved: FieldCost = {
      weight: explicitWeight ?? this.typeWeight(type),
      explicitWeight,
      fieldWeight,
      listSize: this.listSizes.get(coordinate),
      listDepth: listDepth(field.type.toString()),
    };
    this.fields.set(field, resolved);
    return resolved;
  }

  /** An argument's `@cost`, else its type's (scalars and enums may carry one), else undefined. */
  argumentWeight(
    parent: GraphQLNamedType,
    field: GraphQLField<unknown, unknown>,
    argument: GraphQLArgument,
  ): number | undefined {
    return (
      this.weights.get(`${parent.name}.${field.name}(${argument.name}:)`) ?? this.inputTypeWeight(argument)
    );
  }

  /** An input field's `@cost`, else its type's, else undefined. */
  inputFieldWeight(parent: GraphQLNamedType, field: GraphQLInputField): number | undefined {
    return this.weights.get(`${parent.name}.${field.name}`) ?? this.inputTypeWeight(field);
  }

  private inputTypeWeight(input: GraphQLArgument | GraphQLInputField): number | undefined {
    const type = getNamedType(input.type);
    return isInputObjectType(type) ? undefined : this.weights.get(type.name);
  }

  /** An interface field without its own `@cost` weighs what the heaviest implementation's does. */
  private implementationsWeight(
    parent: GraphQLNamedType,
    field: GraphQLField<unknown, unknown>,
  ): number | undefined {
    if (!isInterfaceType(parent)) return undefined;
    let heaviest: number | undefined;
    for (const member of this.schema.getPossibleTypes(parent)) {
      const weight = this.weights.get(`${member.name}.${field.name}`);
      if (weight !== undefined) heaviest = Math.max(heaviest ?? weight, weight);
    }
    return heaviest === undefined ? undefined : Math.max(heaviest, this.typeWeight(getNamedType(field.type)));
  }
}

function listDepth(typeName: string): number {
  let depth = 0;
  for (const char of typeName) if (char === '[') depth += 1;
  return depth;
}

/** The names the supergraph uses for the cost spec's directives (a `@link` may rename them). */
export interface CostDirectiveNames {
  cost: string;
  listSize: string;
}

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d/;

/**
 * Reads the names from the supergraph's `@link` of the cost spec: `as:` renames the spec (its
 * eponymous `@cost` becomes `@<as>`, the others `@<as>__name`), an import brings a directive in
 * under its own name or the one it is imported `as`. Without such a link, the plain names, which is
 * what a schema written for IBM's spec uses.
 */
export function costDirectiveNames(document: DocumentNode): CostDirectiveNames {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const url = argument(directive, 'url');
      if (url?.kind !== Kind.STRING || !COST_SPEC.test(url.value)) continue;
      const as = argument(directive, 'as');
      const prefix = as?.kind === Kind.STRING ? as.value.replace(/^@/, '') : 'cost';
      const imports = importedNames(argument(directive, 'import'));
      return {
        cost: imports.get('cost') ?? prefix,
        listSize: imports.get('listSize') ?? `${prefix}__listSize`,
      };
    }
  }
  return { cost: 'cost', listSize: 'listSize' };
}

function importedNames(value: ConstValueNode | undefined): Map<string, string> {
  const names = new Map<string, string>();
  if (value?.kind !== Kind.LIST) return names;
  for (const item of value.values) {
    if (item.kind === Kind.STRING) names.set(item.value.replace(/^@/, ''), item.value.replace(/^@/, ''));
    if (item.kind !== Kind.OBJECT) continue;
    const name = item.fields.find((field) => field.name.value === 'name')?.value;
    const as = item.fields.find((field) => field.name.value === 'as')?.value;
    if (name?.kind === Kind.STRING)
      names.set(
        name.value.replace(/^@/, ''),
        (as?.kind === Kind.STRING ? as.value : name.value).replace(/^@/, ''),
      );
  }
  return names;
}

/** The definitions that may carry `@cost` or `@listSize`, or fields that do. */
const TYPE_KINDS = new Set<Kind>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.ENUM_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_EXTENSION,
]);

/** Builds the table of a supergraph from its SDL (for the directives) and API schema (for the types). */
export function buildCostTable(coreSupergraphSdl: string, apiSchema: GraphQLSchema): CostTable {
  const document = parse(coreSupergraphSdl, { noLocation: true });
  const names = costDirectiveNames(document);
  const weights = new Map<string, number>();
  const listSizes = new Map<string, ListSizeSpec>();
  const noteWeight = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    const weight = weightOf(directives?.find((directive) => directive.name.value === names.cost));
    if (weight !== undefined) weights.set(coordinate, weight);
  };
  for (const definition of document.definitions) {
    if (!TYPE_KINDS.has(definition.kind) || !('name' in definition) || definition.name === undefined)
      continue;
    const typeName = definition.name.value;
    noteWeight(
      typeName,
      'directives' in definition
        ? (definition.directives as readonly ConstDirectiveNode[] | undefined)
        : undefined,
    );
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      noteWeight(coordinate, field.directives);
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      for (const arg of field.arguments ?? [])
        noteWeight(`${coordinate}(${arg.name.value}:)`, arg.directives);
      const listSize = field.directives?.find((directive) => directive.name.value === names.listSize);
      if (listSize) listSizes.set(coordinate, listSizeOf(listSize));
    }
  }
  return new CostTable(apiSchema, weights, listSizes);
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((arg) => arg.name.value === name)?.value;
}

/** `weight` is an Int in Federation's `@cost` and a serialized Float (a String) in IBM's. */
function weightOf(directive: ConstDirectiveNode | undefined): number | undefined {
  if (!directive) return undefined;
  const value = argument(directive, 'weight');
  if (value?.kind !== Kind.INT && value?.kind !== Kind.FLOAT && value?.kind !== Kind.STRING) return undefined;
  const weight = Number(value.value);
  return Number.isFinite(weight) ? weight : undefined;
}

function listSizeOf(directive: ConstDirectiveNode): ListSizeSpec {
  const assumed = argument(directive, 'assumedSize');
  const requireOne = argument(directive, 'requireOneSlicingArgument');
  return {
    assumedSize: assumed?.kind === Kind.INT ? Number(assumed.value) : undefined,
    slicingArguments: strings(argument(directive, 'slicingArguments')),
    sizedFields: strings(argument(directive, 'sizedFields')),
    // The spec's default is true.
    requireOneSlicingArgument: requireOne?.kind === Kind.BOOLEAN ? requireOne.value : true,
  };
}

function strings(value: ConstValueNode | undefined): string[] {
  if (value?.kind === Kind.STRING) return [value.value];
  if (value?.kind !== Kind.LIST) return [];
  return value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
}

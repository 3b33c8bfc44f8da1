import {
  Kind,
  buildASTSchema,
  execute,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  parse,
  printSchema,
  visit,
  type DocumentNode,
  type FieldDefinitionNode,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Decide } from './decide.js';
import type { Requirement, RequirementIndex } from './requirements.js';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const CACHED_SCHEMAS_PER_GRAPH = 32;

/** The root `__schema` and `__type` fields of an operation, wherever fragments put them. */
export function introspectionFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const found: FieldNode[] = [];
  const seen = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_FIELDS.has(selection.name.value)) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return found;
}

/**
 * Answers the operation's introspection fields from the schema as this caller may see it: without
 * the fields and types whose requirements the caller does not meet. Returns the data by response key.
 */
export async function visibleIntrospection(
  index: RequirementIndex,
  decide: Decide,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): Promise<Record<string, unknown> | undefined> {
  const fields = introspectionFields(document, operation);
  if (fields.length === 0) return undefined;
  const schema = await visibleSchema(index, decide);
  const introspection: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: operation.operation,
        variableDefinitions: operation.variableDefinitions ?? [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
      },
      ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION),
    ],
  };
  const result = await execute({ schema, document: introspection, variableValues: variables ?? {} });
  return result.data ?? undefined;
}

const visibleSchemas = new WeakMap<RequirementIndex, Map<string, GraphQLSchema>>();

/** The API schema without what the caller may not query; cached per set of decisions. */
async function visibleSchema(index: RequirementIndex, decide: Decide): Promise<GraphQLSchema> {
  const requirements = index.all();
  const decisions = await Promise.all(requirements.map((requirement) => decide(requirement)));
  if (decisions.every(Boolean)) return index.schema;
  const signature = decisions.map((allowed) => (allowed ? '1' : '0')).join('');
  let cache = visibleSchemas.get(index);
  if (!cache) {
    cache = new Map();
    visibleSchemas.set(index, cache);
  }
  let schema = cache.get(signature);
  if (!schema) {
    const denied = new Set(requirements.filter((_, position) => !decisions[position]));
    schema = hideDenied(index, (requirement) => denied.has(requirement));
    if (cache.size >= CACHED_SCHEMAS_PER_GRAPH) cache.delete(cache.keys().next().value as string);
    cache.set(signature, schema);
  }
  return schema;
}

function hideDenied(index: RequirementIndex, isDenied: (requirement: Requirement) => boolean): GraphQLSchema {
  const { schema } = index;
  const types = Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith('__'));
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? [type.name] : [],
    ),
  );
  // A scalar or enum that arguments or input fields use stays: only its output positions go.
  const usedAsInput = new Set<string>();
  for (const type of types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()))
        for (const argument of field.args) usedAsInput.add(getNamedType(argument.type).name);
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) usedAsInput.add(getNamedType(field.type).name);
    }
  }
  const hidden = new Set<string>();
  for (const type of types) {
    const requirement = index.type(type.name);
    if (requirement && isDenied(requirement) && !usedAsInput.has(type.name) && !roots.has(type.name))
      hidden.add(type.name);
  }
  const fieldHidden = (type: GraphQLNamedType, fieldName: string, returns: string): boolean => {
    if (hidden.has(returns)) return true;
    if (!isObjectType(type) && !isInterfaceType(type)) return false;
    const requirement = index.field(type, fieldName);
    return requirement !== undefined && isDenied(requirement);
  };
  // Hiding a type can empty another (all its fields returned it): repeat until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const type of types) {
      if (hidden.has(type.name) || roots.has(type.name)) continue;
      const empty =
        isObjectType(type) || isInterfaceType(type)
          ? Object.values(type.getFields()).every((field) =>
              fieldHidden(type, field.name, getNamedType(field.type).name),
            )
          : isUnionType(type) && type.getTypes().every((member) => hidden.has(member.name));
      if (empty) {
        hidden.add(type.name);
        changed = true;
      }
    }
  }
  const visible = (named: NamedTypeNode) => !hidden.has(named.name.value);
  const keepFields = (typeName: string, fields: readonly FieldDefinitionNode[] | undefined) => {
    const type = schema.getType(typeName);
    return (fields ?? []).filter(
      (field) => !type || !fieldHidden(type, field.name.value, namedTypeOf(field)),
    );
  };
  const document = visit(parse(printSchema(schema)), {
    ObjectTypeDefinition: (node) =>
      hidden.has(node.name.value)
        ? null
        : {
            ...node,
            fields: keepFields(node.name.value, node.fields),
            interfaces: node.interfaces?.filter(visible),
          },
    InterfaceTypeDefinition: (node) =>
      hidden.has(node.name.value)
        ? null
        : {
            ...node,
            fields: keepFields(node.name.value, node.fields),
            interfaces: node.interfaces?.filter(visible),
          },
    UnionTypeDefinition: (node) =>
      hidden.has(node.name.value) ? null : { ...node, types: node.types?.filter(visible) },
    ScalarTypeDefinition: (node) => (hidden.has(node.name.value) ? null : undefined),
    EnumTypeDefinition: (node) => (hidden.has(node.name.value) ? null : undefined),
  });
  // Already valid but for what was hidden; a root type left without fields is acceptable here.
  return buildASTSchema(document, { assumeValid: true, assumeValidSDL: true });
}

function namedTypeOf(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { usedFragments } from './usage-signature.js';

/**
 * The schema coordinates an operation reads, sorted: what a breaking change to the schema would
 * break for it. Registry checks look these up (`usageOf`) against the paths of
 * graphql-inspector's changes, so they use the same forms:
 * - `Type.field` for every field selected, on the type it is selected on (an interface's field
 *   selected on the interface is `Interface.field`; inside `... on User` it is `User.field`);
 * - `Type.field.argument` for every argument given;
 * - `Input.field` for every input-object field written in a literal, `Enum.VALUE` for every enum
 *   value written as a literal;
 * - for a variable of an input-object or enum type, every field (recursively) or value of that
 *   type: the values arrive at run time, so any of them may be in use.
 * Meta fields (`__typename`, introspection) and directive arguments are left out: no subgraph
 * change breaks them.
 */
export function schemaCoordinates(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): string[] {
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const reachable: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...usedFragments(document, operation).values()],
  };
  visit(
    reachable,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || !typeInfo.getFieldDef() || node.name.value.startsWith('__')) return;
        coordinates.add(`${parent.name}.${node.name.value}`);
      },
      Argument(node) {
        if (typeInfo.getDirective()) return;
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || !typeInfo.getArgument()) return;
        coordinates.add(`${parent.name}.${field.name}.${node.name.value}`);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        const named = parent && getNamedType(parent);
        if (named && isInputObjectType(named) && named.getFields()[node.name.value] !== undefined)
          coordinates.add(`${named.name}.${node.name.value}`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        const named = type && getNamedType(type);
        if (named && isEnumType(named) && named.getValue(node.value) !== undefined)
          coordinates.add(`${named.name}.${node.value}`);
      },
      VariableDefinition() {
        const type = typeInfo.getInputType();
        if (type) addEveryMember(type, coordinates, new Set());
      },
    }),
  );
  return [...coordinates].sort();
}

/** Every field (recursively) of an input-object type, or every value of an enum type. */
function addEveryMember(type: GraphQLInputType, coordinates: Set<string>, seen: Set<string>): void {
  const named = getNamedType(type);
  if (seen.has(named.name)) return;
  seen.add(named.name);
  if (isEnumType(named)) {
    for (const value of named.getValues()) coordinates.add(`${named.name}.${value.name}`);
  } else if (isInputObjectType(named)) {
    for (const field of Object.values(named.getFields())) {
      coordinates.add(`${named.name}.${field.name}`);
      addEveryMember(field.type, coordinates, seen);
    }
  }
}

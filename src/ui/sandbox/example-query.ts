import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

/** Scalar fields picked per object: enough to show the shape, few enough to read at a glance. */
const MAX_LEAVES = 4;

/**
 * An example operation for the served graph, from the schema the sandbox introspected (so it holds
 * only what this caller may see): the first root query field that needs no arguments, with a few
 * of its scalar fields and one nested object with its own scalars, which in a federated graph often
 * comes from another subgraph and so shows a plan with more than one fetch. Undefined when the
 * schema has no such field.
 */
export function exampleQuery(schema: GraphQLSchema): string | undefined {
  const queryType = schema.getQueryType();
  if (!queryType) return undefined;
  for (const field of Object.values(queryType.getFields())) {
    if (field.name.startsWith('__') || needsArguments(field)) continue;
    const lines = selectionOf(field, 1);
    if (lines !== undefined) return ['query Example {', ...lines, '}', ''].join('\n');
  }
  return undefined;
}

/** The lines selecting `field` at `depth` (1 = a root field), or undefined when it selects nothing. */
function selectionOf(field: GraphQLField<unknown, unknown>, depth: number): string[] | undefined {
  const indent = '  '.repeat(depth);
  const type = getNamedType(field.type);
  if (isLeafType(type)) return [`${indent}${field.name}`];
  if (isUnionType(type)) return [`${indent}${field.name} {`, `${indent}  __typename`, `${indent}}`];
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;

  const fields = Object.values(type.getFields()).filter((child) => !needsArguments(child));
  const leaves = fields.filter((child) => isLeafType(getNamedType(child.type))).slice(0, MAX_LEAVES);
  const body = leaves.map((leaf) => `${indent}  ${leaf.name}`);
  if (depth === 1) {
    for (const child of fields) {
      const named = getNamedType(child.type);
      if (!isObjectType(named) && !isInterfaceType(named)) continue;
      const nested = selectionOf(child, depth + 1);
      if (nested !== undefined) {
        body.push(...nested);
        break;
      }
    }
  }
  if (body.length === 0) return undefined;
  return [`${indent}${field.name} {`, ...body, `${indent}}`];
}

function needsArguments(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
}

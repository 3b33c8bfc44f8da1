/** The GraphQL schema being generated, before it is printed. */

export type TypeRef =
  { kind: 'named'; name: string } | { kind: 'list'; of: TypeRef } | { kind: 'nonNull'; of: TypeRef };

export interface FieldModel {
  name: string;
  /** The JSON property the field reads; differs from `name` when the property is not a valid GraphQL name. */
  sourceName: string;
  type: TypeRef;
  description?: string;
  deprecated: boolean;
  /** Printed as `#` comments above the field. */
  comments: string[];
}

export interface ObjectModel {
  kind: 'object';
  name: string;
  description?: string;
  fields: FieldModel[];
}

export interface EnumModel {
  kind: 'enum';
  name: string;
  description?: string;
  values: { name: string; raw: string }[];
  comments: string[];
}

export type TypeModel = ObjectModel | EnumModel;

export interface ArgModel {
  name: string;
  type: TypeRef;
  description?: string;
}

/** One `Query` field with its `@connect`. */
export interface ConnectorModel {
  name: string;
  description?: string;
  deprecated: boolean;
  args: ArgModel[];
  type: TypeRef;
  /** The `http: { GET: … }` URL template, relative to the source's baseURL. */
  url: string;
  comments: string[];
}

export interface SkippedOperation {
  method: string;
  path: string;
  operationId?: string;
  reason: string;
}

export const named = (name: string): TypeRef => ({ kind: 'named', name });
export const listOf = (of: TypeRef): TypeRef => ({ kind: 'list', of });
export const nonNull = (of: TypeRef): TypeRef => (of.kind === 'nonNull' ? of : { kind: 'nonNull', of });

export function baseName(type: TypeRef): string {
  return type.kind === 'named' ? type.name : baseName(type.of);
}

export function printType(type: TypeRef): string {
  switch (type.kind) {
    case 'named':
      return type.name;
    case 'list':
      return `[${printType(type.of)}]`;
    case 'nonNull':
      return `${printType(type.of)}!`;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

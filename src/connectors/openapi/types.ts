import { isObject, pointerTokens, type JsonObject, type OpenApiDocument, type Refs } from './load.js';
import { type EnumModel, type FieldModel, type ObjectModel, type TypeModel, type TypeRef } from './model.js';
import { listOf, named, nonNull } from './model.js';
import { enumValueName, fieldName, NameRegistry, pascalCase, typeName } from './names.js';

/** A schema converted to a GraphQL type, before the `required` list makes it non-null. */
export interface Converted {
  type: TypeRef;
  /** The schema allows null (`nullable: true`, `type: [x, "null"]`, a null variant). */
  nullable: boolean;
  /** Why the conversion is approximate (oneOf → JSON, …); printed as a comment. */
  note?: string;
}

const BUILT_IN = ['Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID', 'JSON'];
const JSON_TYPE = named('JSON');

/**
 * Turns OpenAPI schemas into GraphQL object and enum types. Mappings: string → String,
 * integer → Int (int64 → Float, since GraphQL's Int is 32-bit and Float holds integers exactly
 * to 2^53), number → Float, boolean → Boolean, a property named `id` → ID, enums → GraphQL
 * enums, allOf → merged properties, oneOf/anyOf and free-form objects → the JSON scalar.
 */
export class TypeBuilder {
  readonly types = new Map<string, TypeModel>();
  usesJson = false;
  private readonly names = new NameRegistry(BUILT_IN);
  /** Component schema names, claimed up front so that inline types never take them. */
  private readonly componentNames = new Map<string, string>();
  private readonly byRef = new Map<string, Converted>();

  constructor(
    document: OpenApiDocument,
    private readonly refs: Refs,
  ) {
    const components = document.root.components;
    const schemas = isObject(components) && isObject(components.schemas) ? components.schemas : {};
    for (const key of Object.keys(schemas)) {
      this.componentNames.set(refKey(['components', 'schemas', key]), this.names.claim(typeName(key)));
    }
  }

  /** Converts a schema; `hint` names the type made for an inline object or enum. */
  convert(schema: unknown, hint: string, where: string): Converted {
    if (!isObject(schema)) return this.json(false, 'no schema');
    if (typeof schema.$ref === 'string') return this.fromRef(schema.$ref, where);
    return this.convertInline(schema, { name: hint, claimed: false }, where);
  }

  private fromRef(ref: string, where: string): Converted {
    const key = ref.startsWith('#/') ? refKey(pointerTokens(ref)) : ref;
    const known = this.byRef.get(key);
    if (known !== undefined) return known;
    const target = this.refs.target(ref, where);
    const component = this.componentNames.get(key);
    const name = component ?? this.names.claim(typeName(pointerTokens(ref).at(-1) ?? 'Type'));
    // Registered before converting so that a schema that refers to itself finds its own name.
    this.byRef.set(key, { type: named(name), nullable: false });
    const converted = this.convertInline(isObject(target) ? target : {}, { name, claimed: true }, ref);
    this.byRef.set(key, converted);
    return converted;
  }

  private convertInline(
    schema: JsonObject,
    name: { name: string; claimed: boolean },
    where: string,
  ): Converted {
    const nullable = schema.nullable === true;
    const variants = Array.isArray(schema.oneOf)
      ? schema.oneOf
      : Array.isArray(schema.anyOf)
        ? schema.anyOf
        : undefined;
    if (variants !== undefined && schema.properties === undefined) {
      const nonNullVariants = variants.filter((variant) => !isNullSchema(variant));
      if (nonNullVariants.length === 1) {
        const only = this.convert(nonNullVariants[0], name.name, where);
        return { ...only, nullable: only.nullable || nullable || nonNullVariants.length < variants.length };
      }
      const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
      return this.json(
        nullable,
        `${keyword} in OpenAPI: mapped to JSON; make it a type for the shape you need`,
      );
    }
    if (Array.isArray(schema.allOf)) {
      if (schema.allOf.length === 1 && schema.properties === undefined) {
        const only = this.convert(schema.allOf[0], name.name, where);
        return { ...only, nullable: only.nullable || nullable };
      }
      return this.objectOrJson(schema, name, where, nullable);
    }
    let type = schema.type;
    let typeNullable = nullable;
    if (Array.isArray(type)) {
      const types = type.filter((entry) => entry !== 'null');
      typeNullable ||= types.length < type.length;
      if (types.length !== 1)
        return this.json(typeNullable, `type [${type.join(', ')}] in OpenAPI: mapped to JSON`);
      type = types[0];
    }
    if (Array.isArray(schema.enum) && (type === 'string' || type === undefined)) {
      const values = schema.enum.filter((value): value is string => typeof value === 'string');
      if (values.length > 0)
        return { type: named(this.enumType(schema, values, name)), nullable: typeNullable };
    }
    switch (type) {
      case 'string':
        return { type: named('String'), nullable: typeNullable };
      case 'integer':
        return { type: named(schema.format === 'int64' ? 'Float' : 'Int'), nullable: typeNullable };
      case 'number':
        return { type: named('Float'), nullable: typeNullable };
      case 'boolean':
        return { type: named('Boolean'), nullable: typeNullable };
      case 'array': {
        const items = this.convert(schema.items, name.name, `${where}.items`);
        return {
          type: listOf(items.type),
          nullable: typeNullable,
          ...(items.note ? { note: items.note } : {}),
        };
      }
      default:
        return this.objectOrJson(schema, name, where, typeNullable);
    }
  }

  private objectOrJson(
    schema: JsonObject,
    wanted: { name: string; claimed: boolean },
    where: string,
    nullable: boolean,
  ): Converted {
    const { properties, required } = this.collectProperties(schema, where, new Set());
    if (properties.size === 0) return this.json(nullable, 'free-form object in OpenAPI: mapped to JSON');
    const name = wanted.claimed ? wanted.name : this.names.claim(typeName(wanted.name));
    const model: ObjectModel = { kind: 'object', name, ...description(schema), fields: [] };
    this.types.set(name, model);
    const fieldNames = new NameRegistry();
    for (const [property, propertySchema] of properties) {
      const field = fieldNames.claim(fieldName(property));
      const converted =
        field === 'id' && isIdLike(this.refs.deref(propertySchema, where))
          ? { type: named('ID'), nullable: false }
          : this.convert(propertySchema, `${name}${pascalCase(property)}`, `${where}.properties.${property}`);
      const details = isObject(propertySchema) ? propertySchema : {};
      model.fields.push({
        name: field,
        sourceName: property,
        type: required.has(property) && !converted.nullable ? nonNull(converted.type) : converted.type,
        ...description(details),
        deprecated: details.deprecated === true,
        comments: converted.note === undefined ? [] : [converted.note],
      } satisfies FieldModel);
    }
    return { type: named(name), nullable };
  }

  /** Properties and `required` of a schema, with allOf parts merged in order. */
  private collectProperties(
    schema: JsonObject,
    where: string,
    seen: Set<unknown>,
  ): { properties: Map<string, unknown>; required: Set<string> } {
    const properties = new Map<string, unknown>();
    const required = new Set<string>();
    if (seen.has(schema)) return { properties, required };
    seen.add(schema);
    for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
      const resolved = this.refs.deref(part, `${where}.allOf`);
      if (!isObject(resolved)) continue;
      const merged = this.collectProperties(resolved, where, seen);
      for (const [key, value] of merged.properties) properties.set(key, value);
      for (const key of merged.required) required.add(key);
    }
    if (isObject(schema.properties)) {
      for (const [key, value] of Object.entries(schema.properties)) properties.set(key, value);
    }
    if (Array.isArray(schema.required)) {
      for (const key of schema.required) if (typeof key === 'string') required.add(key);
    }
    return { properties, required };
  }

  private enumType(schema: JsonObject, raws: string[], wanted: { name: string; claimed: boolean }): string {
    const name = wanted.claimed ? wanted.name : this.names.claim(typeName(wanted.name));
    const valueNames = new NameRegistry();
    const values = raws.map((raw) => ({ name: valueNames.claim(enumValueName(raw)), raw }));
    const renamed = values.filter((value) => value.name !== value.raw);
    const model: EnumModel = { kind: 'enum', name, ...description(schema), values, comments: [] };
    if (renamed.length > 0) {
      model.comments.push(
        `values renamed to be valid GraphQL: ${renamed.map((value) => `${JSON.stringify(value.raw)} → ${value.name}`).join(', ')}`,
        'the API still returns the original strings: map them in the selection (e.g. with ->match) before use',
      );
    }
    this.types.set(name, model);
    return name;
  }

  private json(nullable: boolean, note: string): Converted {
    this.usesJson = true;
    return { type: JSON_TYPE, nullable, note };
  }
}

function refKey(tokens: string[]): string {
  return tokens.join('\u0000');
}

function isNullSchema(schema: unknown): boolean {
  return (
    isObject(schema) &&
    (schema.type === 'null' ||
      (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null))
  );
}

function isIdLike(schema: unknown): boolean {
  return isObject(schema) && (schema.type === 'string' || schema.type === 'integer');
}

function description(schema: JsonObject): { description?: string } {
  const text = typeof schema.description === 'string' ? schema.description.trim() : '';
  return text === '' ? {} : { description: text };
}

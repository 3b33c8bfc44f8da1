import {
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type TypeNode,
} from 'graphql';
import { CONNECT_SPEC, importedNames } from '../supergraph.js';

/** The parts of a connector subgraph's SDL that the checks look at, with their AST nodes. */
export interface TypeModel {
  name: string;
  fields: Map<string, FieldDefinitionNode>;
  directives: ConstDirectiveNode[];
  /** Each resolvable `@key`: its top-level field names and the directive. */
  keys: { fields: string[]; directive: ConstDirectiveNode }[];
  /** Where a directive can be added to the type: just after its name, in the first definition. */
  nameEnd: number | undefined;
}

export interface SchemaModel {
  objectTypes: Map<string, TypeModel>;
  /** Names of types other than object types (scalars, enums, interfaces, unions, inputs). */
  otherTypes: Set<string>;
  rootTypes: Set<string>;
  connectName: string;
  sourceName: string;
  keyName: string;
  requiresName: string;
  externalName: string;
  schemaDirectives: ConstDirectiveNode[];
}

const FEDERATION_SPEC = /^https:\/\/specs\.apollo\.dev\/federation\/v\d+\.\d+$/;

export function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries(
    (directive.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value)]),
  );
}

/** Undefined when the SDL does not link the connect spec. */
export function readSchemaModel(document: DocumentNode): SchemaModel | undefined {
  const schemaDirectives: ConstDirectiveNode[] = [];
  const rootTypes = new Set(['Query', 'Mutation']);
  const objectTypes = new Map<string, TypeModel>();
  const otherTypes = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      schemaDirectives.push(...(definition.directives ?? []));
      for (const operation of definition.operationTypes ?? []) rootTypes.add(operation.type.name.value);
    } else if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION
    ) {
      const model: TypeModel = objectTypes.get(definition.name.value) ?? {
        name: definition.name.value,
        fields: new Map(),
        directives: [],
        keys: [],
        nameEnd: definition.name.loc?.end,
      };
      model.directives.push(...(definition.directives ?? []));
      for (const field of definition.fields ?? []) model.fields.set(field.name.value, field);
      objectTypes.set(model.name, model);
    } else if ('name' in definition && definition.name) {
      otherTypes.add(definition.name.value);
    }
  }
  const links = schemaDirectives.filter((directive) => directive.name.value === 'link').map(argumentsOf);
  const connectLink = links.find((link) => typeof link.url === 'string' && CONNECT_SPEC.test(link.url));
  if (!connectLink) return undefined;
  const { connect, source } = importedNames(connectLink);
  const federationLink = links.find((link) => typeof link.url === 'string' && FEDERATION_SPEC.test(link.url));
  const federationName = (name: string) => importedName(federationLink, name);
  const model: SchemaModel = {
    objectTypes,
    otherTypes,
    rootTypes,
    connectName: connect,
    sourceName: source,
    keyName: federationName('key'),
    requiresName: federationName('requires'),
    externalName: federationName('external'),
    schemaDirectives,
  };
  for (const type of objectTypes.values()) {
    for (const directive of type.directives) {
      if (directive.name.value !== model.keyName) continue;
      const args = argumentsOf(directive);
      if (args.resolvable === false || typeof args.fields !== 'string') continue;
      type.keys.push({ fields: topLevelFields(args.fields), directive });
    }
  }
  return model;
}

/** The name a federation directive has in this schema: imported as is, renamed, or prefixed. */
function importedName(link: Record<string, unknown> | undefined, name: string): string {
  const imports = Array.isArray(link?.import) ? (link.import as unknown[]) : [];
  for (const entry of imports) {
    if (entry === `@${name}`) return name;
    if (typeof entry === 'object' && entry !== null && (entry as { name?: unknown }).name === `@${name}`) {
      const alias = (entry as { as?: unknown }).as;
      return typeof alias === 'string' ? alias.replace(/^@/, '') : name;
    }
  }
  const prefix = typeof link?.as === 'string' ? link.as : 'federation';
  return `${prefix}__${name}`;
}

/** `"id sku { x }"` → `['id', 'sku']`. */
export function topLevelFields(fieldSet: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of fieldSet.match(/[A-Za-z_][A-Za-z0-9_]*|[{}]/g) ?? []) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 0) names.push(token);
  }
  return names;
}

export function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

export function isListType(type: TypeNode): boolean {
  if (type.kind === Kind.NON_NULL_TYPE) return isListType(type.type);
  return type.kind === Kind.LIST_TYPE;
}

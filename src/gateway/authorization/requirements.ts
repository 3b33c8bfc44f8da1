import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLSchema,
} from 'graphql';

/**
 * An OR of AND-sets, as `@requiresScopes(scopes: [["a", "b"], ["c"]])` spells it: satisfied by
 * (a and b) or c. An empty list asks for nothing (the router treats it the same way).
 */
export type Alternatives = readonly (readonly string[])[];

/** What a schema element asks of the caller. Every entry of `scopes` and `policies` must hold. */
export interface Requirement {
  readonly authenticated: boolean;
  readonly scopes: readonly Alternatives[];
  readonly policies: readonly Alternatives[];
}

/**
 * The authorization metadata of a supergraph, read from its `@authenticated`, `@requiresScopes`
 * and `@policy` applications. Plain JSON, keyed by the names of the API schema.
 */
export interface AuthorizationRules {
  /** Declared on types (objects, interfaces, scalars, enums), by type name. */
  readonly types: Readonly<Record<string, Requirement>>;
  /** Declared on fields, by type name, then field name. */
  readonly fields: Readonly<Record<string, Readonly<Record<string, Requirement>>>>;
}

export const NO_RULES: AuthorizationRules = Object.freeze({ types: {}, fields: {} });

export function hasRules(rules: AuthorizationRules): boolean {
  return Object.keys(rules.types).length > 0 || Object.keys(rules.fields).length > 0;
}

export function isEmptyRequirement(requirement: Requirement): boolean {
  return !requirement.authenticated && requirement.scopes.length === 0 && requirement.policies.length === 0;
}

/** The conjunction of several requirements, with duplicate alternatives listed once. */
export function allOf(requirements: readonly (Requirement | undefined)[]): Requirement | undefined {
  const present = requirements.filter((requirement): requirement is Requirement => requirement !== undefined);
  if (present.length <= 1) return present[0];
  const unique = (lists: readonly Alternatives[]): Alternatives[] => {
    const seen = new Map<string, Alternatives>();
    for (const alternatives of lists) seen.set(JSON.stringify(alternatives), alternatives);
    return [...seen.values()];
  };
  return {
    authenticated: present.some((requirement) => requirement.authenticated),
    scopes: unique(present.flatMap((requirement) => requirement.scopes)),
    policies: unique(present.flatMap((requirement) => requirement.policies)),
  };
}

/** Every policy name a requirement mentions. */
export function policyNames(requirement: Requirement): string[] {
  return requirement.policies.flatMap((alternatives) => alternatives.flat());
}

/**
 * Answers "what does selecting this field (or this type) ask of the caller" for one API schema.
 * Answers are memoised, so the same coordinate always yields the same object: callers may key
 * decisions by identity.
 */
export interface RequirementIndex {
  readonly schema: GraphQLSchema;
  /** The requirement declared on a type itself. */
  type(typeName: string): Requirement | undefined;
  /**
   * The requirement of selecting `fieldName` on `parentType`: the field's own, the requirement of
   * the type it returns, and, on an interface, those of every implementation's field. `__typename`
   * and introspection fields never ask for anything.
   */
  field(parentType: GraphQLCompositeType, fieldName: string): Requirement | undefined;
  /** Every distinct requirement of the schema, for introspection filtering. */
  all(): readonly Requirement[];
}

const indexes = new WeakMap<GraphQLSchema, WeakMap<AuthorizationRules, RequirementIndex>>();

export function requirementIndex(schema: GraphQLSchema, rules: AuthorizationRules): RequirementIndex {
  let bySchema = indexes.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    indexes.set(schema, bySchema);
  }
  let index = bySchema.get(rules);
  if (!index) {
    index = buildIndex(schema, rules);
    bySchema.set(rules, index);
  }
  return index;
}

function buildIndex(schema: GraphQLSchema, rules: AuthorizationRules): RequirementIndex {
  const fieldCache = new Map<string, Requirement | undefined>();

  const ownAndReturned = (typeName: string, fieldName: string): (Requirement | undefined)[] => {
    const type = schema.getType(typeName);
    if (!isObjectType(type) && !isInterfaceType(type)) return [];
    const definition = type.getFields()[fieldName];
    if (!definition) return [];
    return [rules.fields[typeName]?.[fieldName], rules.types[getNamedType(definition.type).name]];
  };

  const field = (parentType: GraphQLCompositeType, fieldName: string): Requirement | undefined => {
    if (fieldName.startsWith('__')) return undefined;
    const key = `${parentType.name}.${fieldName}`;
    if (fieldCache.has(key)) return fieldCache.get(key);
    const parts = ownAndReturned(parentType.name, fieldName);
    if (isInterfaceType(parentType)) {
      // The data may come from any implementation, so each one's rule applies too.
      for (const implementation of schema.getPossibleTypes(parentType)) {
        parts.push(...ownAndReturned(implementation.name, fieldName));
      }
    }
    const combined = allOf(parts);
    const requirement = combined && !isEmptyRequirement(combined) ? combined : undefined;
    fieldCache.set(key, requirement);
    return requirement;
  };

  let everything: Requirement[] | undefined;
  return {
    schema,
    type: (typeName) => rules.types[typeName],
    field,
    all() {
      if (!everything) {
        const found = new Set<Requirement>(Object.values(rules.types));
        for (const type of Object.values(schema.getTypeMap())) {
          if (!isObjectType(type) && !isInterfaceType(type)) continue;
          for (const name of Object.keys(type.getFields())) {
            const requirement = field(type, name);
            if (requirement) found.add(requirement);
          }
        }
        everything = [...found];
      }
      return everything;
    },
  };
}

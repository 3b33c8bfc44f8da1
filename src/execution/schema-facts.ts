import {
  isInterfaceType,
  isObjectType,
  isSubtype,
  isUnionType,
  type NamedType,
  type Schema,
} from '@apollo/federation-internals';

export type TypeKind = 'object' | 'interface' | 'union' | 'scalar' | 'enum' | 'input';

/**
 * What execution needs to know about the types of one supergraph, read once from federation-internals'
 * schema objects (whose getters are too slow for the hot path) into plain maps and sets.
 */
export class SchemaFacts {
  private readonly apiKinds = new Map<string, TypeKind>();
  private readonly apiConditionMatches = new Map<string, ReadonlySet<string>>();
  private readonly supergraphConditionMatches = new Map<string, ReadonlySet<string>>();

  constructor(
    readonly apiSchema: Schema,
    private readonly supergraphSchema: Schema,
  ) {
    for (const type of apiSchema.allTypes()) this.apiKinds.set(type.name, kindOf(type));
  }

  /** The kind of a type of the API schema, or undefined when it has no such type. */
  kindOf(typeName: string): TypeKind | undefined {
    return this.apiKinds.get(typeName);
  }

  /**
   * The API-schema type names `T` for which a type condition on `condition` applies to an object of
   * type `T`: the same test as federation-internals' `isSubtype(condition, T)`, which Apollo's result
   * shaping applies to `__typename` (or, without one, to the parent type).
   */
  conditionMatches(condition: string): ReadonlySet<string> {
    let matches = this.apiConditionMatches.get(condition);
    if (!matches) {
      const conditionType = this.apiSchema.type(condition);
      const found = new Set<string>();
      if (conditionType) {
        for (const type of this.apiSchema.allTypes()) {
          if (isSubtype(conditionType, type)) found.add(type.name);
        }
      }
      matches = found;
      this.apiConditionMatches.set(condition, matches);
    }
    return matches;
  }

  /**
   * The `__typename` values for which an object is "of type" `condition` in the supergraph schema, the
   * test Apollo's executor uses for type conditions in `requires` selections and rewrite paths: the
   * same name, or an object or interface type that is a member or an implementation of the abstract
   * type `condition`.
   */
  supergraphMatches(condition: string): ReadonlySet<string> {
    let matches = this.supergraphConditionMatches.get(condition);
    if (!matches) {
      const found = new Set<string>([condition]);
      const conditionType = this.supergraphSchema.type(condition);
      if (conditionType && (isUnionType(conditionType) || isInterfaceType(conditionType))) {
        for (const type of this.supergraphSchema.allTypes()) {
          if (!isObjectType(type) && !isInterfaceType(type)) continue;
          const member = isUnionType(conditionType)
            ? isObjectType(type) && conditionType.hasTypeMember(type)
            : type.implementsInterface(conditionType);
          if (member) found.add(type.name);
        }
      }
      matches = found;
      this.supergraphConditionMatches.set(condition, matches);
    }
    return matches;
  }
}

function kindOf(type: NamedType): TypeKind {
  switch (type.kind) {
    case 'ObjectType':
      return 'object';
    case 'InterfaceType':
      return 'interface';
    case 'UnionType':
      return 'union';
    case 'ScalarType':
      return 'scalar';
    case 'EnumType':
      return 'enum';
    case 'InputObjectType':
      return 'input';
  }
}

import {
  Variable,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { SchemaFacts } from '../schema-facts.js';

/*
 * The client operation compiled once per cached plan into a compact tree that result shaping walks for
 * every request. It mirrors federation-internals' normalised `Operation` (the tree Apollo's
 * `computeResponse` walks): same selections, same order, same merging of repeated response keys, so
 * that the output is the same to the byte. Every node is one class with the same fields, which keeps
 * the walker's property accesses monomorphic.
 */

export const NON_NULL = 0;
export const LIST = 1;
export const COMPOSITE = 2;
export const LEAF = 3;

/** How a leaf value is validated, after federation-internals' `isValidLeafValue`. */
export const CUSTOM_SCALAR = 0;
export const BOOLEAN = 1;
export const INT = 2;
export const ID = 3;
export const FLOAT = 4;
export const STRING = 5;
export const ENUM = 6;

export class ShapeType {
  constructor(
    readonly kind: number,
    /** The wrapped type, for NON_NULL and LIST. */
    readonly ofType: ShapeType | undefined,
    /** The named type, for COMPOSITE and LEAF. */
    readonly name: string,
    readonly leaf: number,
    readonly enumValues: ReadonlySet<string> | undefined,
    /** As printed in error messages: `[Int!]`. */
    readonly printed: string,
  ) {}
}

export const FIELD = 0;
export const TYPENAME = 1;
export const FRAGMENT = 2;

export class ShapeSelection {
  constructor(
    readonly kind: number,
    /** FIELD and TYPENAME: the response key (alias or name). */
    readonly responseName: string,
    /** FIELD: the field's type. */
    readonly type: ShapeType | undefined,
    /** FIELD (composite) and FRAGMENT: what is selected below. */
    readonly selections: readonly ShapeSelection[] | undefined,
    /** FRAGMENT: the type condition, if any. */
    readonly typeCondition: string | undefined,
    /** FRAGMENT with a type condition: the type names it applies to. */
    readonly matches: ReadonlySet<string> | undefined,
    /** Index of the `@skip(if: $var)` variable in the request's condition values, or -1. */
    readonly skipIf: number,
    /** Index of the `@include(if: $var)` variable in the request's condition values, or -1. */
    readonly includeIf: number,
  ) {
    this.conditional = skipIf >= 0 || includeIf >= 0;
    const named = type?.kind === NON_NULL ? type.ofType : type;
    this.leaf = named?.kind === LEAF ? (named === type ? NULLABLE_LEAF : NON_NULL_LEAF) : NOT_A_LEAF;
    this.leafType = this.leaf === NOT_A_LEAF ? undefined : named;
  }

  /** Whether @skip or @include applies. */
  readonly conditional: boolean;
  /** FIELD of a scalar or enum type, nullable or not, which result shaping handles on a short path. */
  readonly leaf: number;
  /** The scalar or enum type of such a field. */
  readonly leafType: ShapeType | undefined;
}

export const NOT_A_LEAF = 0;
export const NULLABLE_LEAF = 1;
export const NON_NULL_LEAF = 2;

export interface ResponseShape {
  rootTypeName: string;
  selections: readonly ShapeSelection[];
  /** The variables @skip and @include read, by index. */
  conditionVariables: readonly string[];
  /** `__schema` or `__type` is selected: Apollo's executor answers such operations. */
  hasIntrospection: boolean;
  /** Every response key of the operation, to refuse keys that clash with Object.prototype. */
  responseKeys: ReadonlySet<string>;
  /** How many selections were compiled (a named fragment's once): what the shape and its code weigh. */
  selectionCount: number;
  /** The length of their response keys, together: each is written several times into the code. */
  keyChars: number;
}

const BUILT_IN_LEAVES: Readonly<Record<string, number>> = {
  Boolean: BOOLEAN,
  Int: INT,
  ID,
  Float: FLOAT,
  String: STRING,
};

export function compileResponseShape(operation: Operation, facts: SchemaFacts): ResponseShape {
  const schema = operation.schema();
  const rootType = schema.schemaDefinition.rootType(operation.rootKind);
  if (!rootType) throw new Error(`The schema has no ${operation.rootKind} root type`);
  const compiler = new ShapeCompiler(schema, facts);
  const selections = compiler.selectionSet(operation.selectionSet);
  return {
    rootTypeName: rootType.name,
    selections,
    conditionVariables: compiler.conditionVariables,
    hasIntrospection: compiler.hasIntrospection,
    responseKeys: compiler.responseKeys,
    selectionCount: compiler.selectionCount,
    keyChars: compiler.keyChars,
  };
}

class ShapeCompiler {
  readonly conditionVariables: string[] = [];
  readonly responseKeys = new Set<string>();
  hasIntrospection = false;
  selectionCount = 0;
  keyChars = 0;
  // Named fragments share their SelectionSet object between spreads: compile each once.
  private readonly compiled = new Map<SelectionSet, readonly ShapeSelection[]>();
  private readonly types = new Map<string, ShapeType>();

  constructor(
    private readonly schema: Schema,
    private readonly facts: SchemaFacts,
  ) {}

  selectionSet(selectionSet: SelectionSet): readonly ShapeSelection[] {
    const done = this.compiled.get(selectionSet);
    if (done) return done;
    const out: ShapeSelection[] = [];
    for (const selection of selectionSet.selections()) {
      const element = selection.element;
      const skip = this.condition(element.appliedDirectivesOf(this.schema.skipDirective())[0]);
      const include = this.condition(element.appliedDirectivesOf(this.schema.includeDirective())[0]);
      // Constant conditions are settled here: @skip(if: true) and @include(if: false) drop the selection.
      if (skip === true || include === false) continue;
      const skipIf = typeof skip === 'number' ? skip : -1;
      const includeIf = typeof include === 'number' ? include : -1;
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        const responseName = field.responseName();
        this.responseKeys.add(responseName);
        if (field.definition.isSchemaIntrospectionField()) {
          this.hasIntrospection = true;
          continue;
        }
        if (field.name === '__typename') {
          out.push(
            new ShapeSelection(
              TYPENAME,
              responseName,
              undefined,
              undefined,
              undefined,
              undefined,
              skipIf,
              includeIf,
            ),
          );
          continue;
        }
        const sub = selection.selectionSet ? this.selectionSet(selection.selectionSet) : undefined;
        const type = this.type(field.definition.type as Type);
        out.push(new ShapeSelection(FIELD, responseName, type, sub, undefined, undefined, skipIf, includeIf));
      } else {
        const condition = selection.element.typeCondition?.name;
        const matches = condition === undefined ? undefined : this.facts.conditionMatches(condition);
        const sub = this.selectionSet(selection.selectionSet);
        out.push(new ShapeSelection(FRAGMENT, '', undefined, sub, condition, matches, skipIf, includeIf));
      }
    }
    this.compiled.set(selectionSet, out);
    this.selectionCount += out.length;
    for (const selection of out) this.keyChars += selection.responseName.length;
    return out;
  }

  /** A constant `if:` as a boolean, a variable as its index in `conditionVariables`, none as undefined. */
  private condition(
    directive: { arguments(): { if: boolean | Variable } } | undefined,
  ): boolean | number | undefined {
    if (!directive) return undefined;
    const value: unknown = directive.arguments().if;
    if (value instanceof Variable) {
      const known = this.conditionVariables.indexOf(value.name);
      if (known >= 0) return known;
      this.conditionVariables.push(value.name);
      return this.conditionVariables.length - 1;
    }
    return value === true;
  }

  private type(type: Type): ShapeType {
    const printed = type.toString();
    let compiled = this.types.get(printed);
    if (compiled) return compiled;
    switch (type.kind) {
      case 'NonNullType':
        compiled = new ShapeType(NON_NULL, this.type(type.ofType), '', 0, undefined, printed);
        break;
      case 'ListType':
        compiled = new ShapeType(LIST, this.type(type.ofType), '', 0, undefined, printed);
        break;
      case 'ObjectType':
      case 'InterfaceType':
      case 'UnionType':
        compiled = new ShapeType(COMPOSITE, undefined, type.name, 0, undefined, printed);
        break;
      case 'EnumType': {
        const values = new Set(type.values.map((value) => value.name));
        compiled = new ShapeType(LEAF, undefined, type.name, ENUM, values, printed);
        break;
      }
      case 'ScalarType':
        compiled = new ShapeType(
          LEAF,
          undefined,
          type.name,
          BUILT_IN_LEAVES[type.name] ?? CUSTOM_SCALAR,
          undefined,
          printed,
        );
        break;
      case 'InputObjectType':
        throw new Error(`Input type ${type.name} in an output position`);
    }
    this.types.set(printed, compiled);
    return compiled;
  }
}

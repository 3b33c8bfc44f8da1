import { ERRORS } from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import {
  BOOLEAN,
  COMPOSITE,
  CUSTOM_SCALAR,
  ENUM,
  FLOAT,
  ID,
  INT,
  LIST,
  NON_NULL,
  type ResponseShape,
  type ShapeType,
} from './response-shape.js';
import { generateShaper, type SelectionShaper } from './shape-codegen.js';
import type { SchemaFacts } from '../schema-facts.js';

type JsonObject = Record<string, unknown>;

// Read once: federation-internals' exports are getters that cost on every access.
const INVALID_GRAPHQL = ERRORS.INVALID_GRAPHQL;

export interface ShapedResponse {
  /** null when a null reached the root. */
  data: JsonObject | null;
  /** Value-completion problems, as Apollo's `computeResponse` reports them. */
  errors: GraphQLError[];
}

/**
 * Builds the client's response from the merged subgraph data: only the requested fields, in the
 * operation's order, with nulls propagated to the nearest nullable parent. This is Apollo Gateway's
 * `computeResponse` (resultShaping.js), rule for rule, run by code generated from the compiled shape
 * (shape-codegen.ts) instead of a walk of the federation-internals operation. Malformed subgraph data (a list where an object belongs, a
 * non-string `__typename`) throws, as Apollo's assertions do; the caller turns that into an error.
 *
 * `conditions[i]` is the boolean value of `shape.conditionVariables[i]` for this request.
 */
export function shapeResponse(
  shape: ResponseShape,
  facts: SchemaFacts,
  input: JsonObject,
  conditions: readonly boolean[],
): ShapedResponse {
  let root = compiled.get(shape);
  if (!root) compiled.set(shape, (root = generateShaper<Shaper>(shape)));
  const shaper = new Shaper(facts, conditions);
  const data: JsonObject = {};
  const bubbled = root(shaper, input, data, shape.rootTypeName);
  return { data: bubbled ? null : data, errors: shaper.errors };
}

type Sub = SelectionShaper<Shaper>;

// The generated code of each shape, made the first time it is used.
const compiled = new WeakMap<ResponseShape, Sub>();

/** The state of one request's shaping, and what the generated code calls for lists and objects. */
class Shaper {
  readonly errors: GraphQLError[] = [];
  readonly path: (string | number)[] = [];
  // Results of the last `complete` call beside its value, so that no result object is allocated per
  // field: `invalid` means a non-null position got null and the parent must become null too;
  // `hasErrors` means an error was already recorded below, so the null needs no error of its own.
  invalid = false;
  private hasErrors = false;
  /** Set by the generated code when the object being completed has no concrete type: null, no error yet. */
  unresolvedType = false;

  constructor(
    readonly facts: SchemaFacts,
    /** The value of each @skip/@include variable, by index. */
    readonly conditions: readonly boolean[],
  ) {}

  /** Apollo asserts that `__typename`, when truthy, is a string. */
  badTypename(typename: unknown): never {
    throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
  }

  /** An error at field `key` of the current object, whose key is not on the path. */
  fieldError(message: string, key: string): void {
    this.errors.push(INVALID_GRAPHQL.err(message, { path: [...this.path, key] }));
  }

  /** Apollo's `updateOutputValue`: the value of one position, merged over what is already there. */
  complete(
    outputValue: unknown,
    type: ShapeType,
    inputValue: unknown,
    selections: Sub | undefined,
    parentType: string,
  ): unknown {
    if (outputValue === null || (outputValue !== undefined && selections === undefined)) {
      this.invalid = false;
      this.hasErrors = false;
      return outputValue;
    }
    if (type.kind === NON_NULL) {
      const ofType = type.ofType as ShapeType;
      const updated = this.complete(outputValue, ofType, inputValue, selections, parentType);
      if (updated === null) {
        if (!this.hasErrors) {
          this.error(`Cannot return null for non-nullable ${this.describe(ofType, parentType)}.`);
        }
        this.invalid = true;
        this.hasErrors = true;
        return null;
      }
      this.invalid = false;
      this.hasErrors = false;
      return updated;
    }
    if (inputValue === null) {
      this.invalid = false;
      this.hasErrors = false;
      return null;
    }
    switch (type.kind) {
      case LIST:
        return this.completeList(outputValue, type, inputValue, selections, parentType);
      case COMPOSITE:
        return this.completeObject(outputValue, type, inputValue, selections, parentType);
      default: {
        const valid = isValidLeafValue(inputValue, type);
        if (!valid) this.error(`Invalid value found for ${this.describe(type, parentType)}.`);
        this.invalid = false;
        this.hasErrors = !valid;
        return valid ? inputValue : null;
      }
    }
  }

  private completeList(
    outputValue: unknown,
    type: ShapeType,
    inputValue: unknown,
    selections: Sub | undefined,
    parentType: string,
  ): unknown {
    if (!Array.isArray(inputValue)) {
      throw new Error(
        `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type.printed}`,
      );
    }
    if (outputValue !== undefined && !Array.isArray(outputValue)) {
      throw new Error(
        `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type.printed}`,
      );
    }
    const previous = outputValue as unknown[] | undefined;
    const length = inputValue.length;
    if (previous !== undefined && previous.length !== length) {
      throw new Error(
        `[${String(inputValue)}].length (${length}) !== [${String(previous)}].length (${previous.length})`,
      );
    }
    const ofType = type.ofType as ShapeType;
    // A copy of the input list, overwritten in place: exactly sized, and packed (JSON.stringify takes
    // a slower path for holey arrays such as `new Array(length)`).
    const updated: unknown[] = inputValue.slice();
    let nullify = false;
    let hasErrors = false;
    for (let index = 0; index < length; index++) {
      this.path.push(index);
      updated[index] = this.complete(
        previous === undefined ? undefined : previous[index],
        ofType,
        inputValue[index],
        selections,
        parentType,
      );
      this.path.pop();
      if (this.invalid) nullify = true;
      if (this.hasErrors) hasErrors = true;
    }
    this.invalid = false;
    this.hasErrors = hasErrors;
    return nullify ? null : updated;
  }

  private completeObject(
    outputValue: unknown,
    type: ShapeType,
    inputValue: unknown,
    selections: Sub | undefined,
    parentType: string,
  ): unknown {
    if (selections === undefined)
      throw new Error(`Invalid empty selection set for composite type ${type.printed}`);
    if (typeof inputValue !== 'object' || inputValue === null) {
      throw new Error(
        `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.printed}`,
      );
    }
    if (outputValue !== undefined && typeof outputValue !== 'object') {
      throw new Error(
        `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.printed}`,
      );
    }
    // Apollo reads an array given for an object through its own properties: indexes and `length`.
    const input: JsonObject = Array.isArray(inputValue)
      ? { ...inputValue, length: inputValue.length }
      : (inputValue as JsonObject);
    const typename = input.__typename;
    if (typename !== undefined && typeof typename !== 'string') {
      throw new Error(
        `Invalid non-string value ${String(typename)} for __typename at ${this.path.join(',')}`,
      );
    }
    let objectType = type.name;
    if (typename) {
      const kind = this.facts.kindOf(typename);
      if (kind !== 'object' && kind !== 'interface' && kind !== 'union') {
        this.error(`Invalid __typename found for object at ${this.describe(type, parentType)}.`);
        this.invalid = false;
        this.hasErrors = true;
        return null;
      }
      objectType = typename;
    }
    const output = (outputValue ?? {}) as JsonObject;
    const bubbled = selections(this, input, output, objectType);
    this.invalid = false;
    this.hasErrors = bubbled && !this.unresolvedType;
    this.unresolvedType = false;
    return bubbled ? null : output;
  }

  /** Apollo's `pathLastElementDescription`. */
  private describe(currentType: ShapeType, parentType: string): string {
    const element = this.path[this.path.length - 1];
    return typeof element === 'string'
      ? `field ${parentType}.${element}`
      : `array element of type ${currentType.printed} at index ${String(element)}`;
  }

  private error(message: string): void {
    this.errors.push(INVALID_GRAPHQL.err(message, { path: Array.from(this.path) }));
  }
}

/** federation-internals' `isValidLeafValue`, over the leaf kind compiled into the shape. */
function isValidLeafValue(value: unknown, type: ShapeType): boolean {
  const leaf = type.leaf;
  if (leaf === CUSTOM_SCALAR) return true;
  switch (typeof value) {
    case 'string':
      return leaf === ENUM
        ? (type.enumValues as ReadonlySet<string>).has(value)
        : leaf !== BOOLEAN && leaf !== INT && leaf !== FLOAT;
    case 'number':
      if (!Number.isFinite(value)) return false;
      // The same as testing String(value) against /^-?(?:0|[1-9][0-9]*)$/.
      if (leaf === INT || leaf === ID) return Number.isInteger(value) && Math.abs(value) < 1e21;
      return leaf === FLOAT;
    case 'boolean':
      return leaf === BOOLEAN;
    default:
      return false;
  }
}

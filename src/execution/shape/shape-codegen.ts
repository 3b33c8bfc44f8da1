import {
  BOOLEAN,
  CUSTOM_SCALAR,
  ENUM,
  FIELD,
  FLOAT,
  ID,
  INT,
  NON_NULL_LEAF,
  NOT_A_LEAF,
  STRING,
  TYPENAME,
  type ResponseShape,
  type ShapeSelection,
  type ShapeType,
} from './response-shape.js';

/**
 * The walker of one selection set: applies it to `input`, writing into `output`; true when a null
 * must bubble up to the parent. `shaper` holds the request's state (errors, path, conditions).
 */
export type SelectionShaper<Shaper> = (
  shaper: Shaper,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  parentType: string,
) => boolean;

/*
 * Result shaping compiled to JavaScript, once per cached plan: one function per selection set, with
 * the response keys written into the code, so that every property access has a constant key and its
 * own inline cache, and scalar fields are completed without a call. The generated code follows
 * Apollo's `applySelectionSet` rule for rule; lists, objects and non-null wrappers of them go to the
 * shaper's `complete`, which calls back into the generated functions. Keys, type names and messages
 * enter the code only through JSON.stringify.
 */
export function generateShaper<Shaper>(shape: ResponseShape): SelectionShaper<Shaper> {
  const generator = new Generator();
  const root = generator.functionFor(shape.selections);
  const body = `"use strict";\n${generator.constantDeclarations()}\n${generator.sources.join('\n')}\nreturn f${root};`;
  const factory = new Function('C', body) as (constants: readonly unknown[]) => SelectionShaper<Shaper>;
  return factory(generator.constants);
}

class Generator {
  readonly sources: string[] = [];
  readonly constants: unknown[] = [];
  private readonly functions = new Map<readonly ShapeSelection[], number>();
  private readonly constantIndex = new Map<unknown, number>();

  constantDeclarations(): string {
    return this.constants.map((_constant, index) => `const c${index} = C[${index}];`).join('\n');
  }

  functionFor(selections: readonly ShapeSelection[]): number {
    const known = this.functions.get(selections);
    if (known !== undefined) return known;
    const index = this.functions.size;
    this.functions.set(selections, index);
    const lines = selections.map((selection) => this.selection(selection));
    this.sources.push(
      `function f${index}(S, input, output, parentType) {\n  let v;\n${lines.join('\n')}\n  return false;\n}`,
    );
    return index;
  }

  private constant(value: unknown): string {
    let index = this.constantIndex.get(value);
    if (index === undefined) {
      index = this.constants.length;
      this.constants.push(value);
      this.constantIndex.set(value, index);
    }
    return `c${index}`;
  }

  private selection(selection: ShapeSelection): string {
    const code =
      selection.kind === FIELD
        ? selection.leaf === NOT_A_LEAF
          ? this.field(selection)
          : this.leaf(selection)
        : selection.kind === TYPENAME
          ? this.typename(selection)
          : this.fragment(selection);
    if (!selection.conditional) return code;
    const skipped: string[] = [];
    if (selection.skipIf >= 0) skipped.push(`S.conditions[${selection.skipIf}] === true`);
    if (selection.includeIf >= 0) skipped.push(`S.conditions[${selection.includeIf}] === false`);
    return `  if (!(${skipped.join(' || ')})) {\n${code}\n  }`;
  }

  /** A scalar or enum field: Apollo's `updateOutputValue` for a leaf, without a call. */
  private leaf(selection: ShapeSelection): string {
    const key = JSON.stringify(selection.responseName);
    const nonNull = selection.leaf === NON_NULL_LEAF;
    const field = JSON.stringify(`.${selection.responseName}.`);
    return [
      `  if (output[${key}] === undefined) {`,
      `    v = input[${key}];`,
      `    if (v === undefined || v === null) {`,
      `      output[${key}] = null;`,
      nonNull
        ? `      S.fieldError("Cannot return null for non-nullable field " + parentType + ${field}, ${key});\n      return true;`
        : '',
      `    } else if (${this.validLeaf('v', selection.leafType as ShapeType)}) {`,
      `      output[${key}] = v;`,
      `    } else {`,
      `      output[${key}] = null;`,
      `      S.fieldError("Invalid value found for field " + parentType + ${field}, ${key});`,
      nonNull ? `      return true;` : '',
      `    }`,
      `  }`,
    ]
      .filter((line) => line.length > 0)
      .join('\n');
  }

  /** federation-internals' `isValidLeafValue` for one leaf kind, as an expression over `value`. */
  private validLeaf(value: string, type: ShapeType): string {
    const integer = `(typeof ${value} === 'number' && Number.isInteger(${value}) && Math.abs(${value}) < 1e21)`;
    switch (type.leaf) {
      case CUSTOM_SCALAR:
        return 'true';
      case BOOLEAN:
        return `typeof ${value} === 'boolean'`;
      case INT:
        return integer;
      case ID:
        return `(typeof ${value} === 'string' || ${integer})`;
      case FLOAT:
        return `(typeof ${value} === 'number' && Number.isFinite(${value}))`;
      case STRING:
        return `typeof ${value} === 'string'`;
      case ENUM:
        return `(typeof ${value} === 'string' && ${this.constant(type.enumValues)}.has(${value}))`;
      default:
        throw new Error(`Unknown leaf kind ${type.leaf}`);
    }
  }

  /** Lists, objects and their non-null wrappers: the shaper's `complete`. */
  private field(selection: ShapeSelection): string {
    const key = JSON.stringify(selection.responseName);
    const sub = selection.selections ? `f${this.functionFor(selection.selections)}` : 'undefined';
    return [
      `  v = input[${key}];`,
      `  if (v === undefined) v = null;`,
      `  S.path.push(${key});`,
      `  output[${key}] = S.complete(output[${key}], ${this.constant(selection.type)}, v, ${sub}, parentType);`,
      `  S.path.pop();`,
      `  if (S.invalid) return true;`,
    ].join('\n');
  }

  private typename(selection: ShapeSelection): string {
    const key = JSON.stringify(selection.responseName);
    return [
      `  if (output[${key}] === undefined) {`,
      `    v = input[${key}];`,
      `    if (v === undefined) v = null;`,
      // An aliased __typename that the subgraph did not answer falls back on the plain one.
      selection.responseName === '__typename'
        ? ''
        : `    if (v === null) { v = input.__typename; if (v === undefined) v = null; }`,
      `    if (typeof v !== 'string' || S.facts.kindOf(v) === undefined) v = parentType;`,
      // Still an interface's name: no subgraph knew the entity's type. The object is null, and a
      // non-null position above it says so (Apollo's shaping nulls it and says nothing).
      `    if (S.facts.kindOf(v) !== 'object') { S.unresolvedType = true; return true; }`,
      `    output[${key}] = v;`,
      `  }`,
    ]
      .filter((line) => line.length > 0)
      .join('\n');
  }

  private fragment(selection: ShapeSelection): string {
    const sub = `f${this.functionFor(selection.selections as readonly ShapeSelection[])}`;
    const check = `  v = input.__typename;\n  if (v && typeof v !== 'string') S.badTypename(v);`;
    if (selection.matches === undefined)
      return `${check}\n  if (${sub}(S, input, output, parentType)) return true;`;
    const matches = this.constant(selection.matches);
    const condition = JSON.stringify(selection.typeCondition);
    return `${check}\n  if (${matches}.has(v ? v : parentType) && ${sub}(S, input, output, ${condition})) return true;`;
  }
}

import {
  baseType,
  FieldDefinition,
  isCompositeType,
  type CompositeType,
  type NamedType,
  type Schema,
  type Supergraph,
} from '@apollo/federation-internals';
import {
  Kind,
  parse,
  valueFromASTUntyped,
  visit,
  type ArgumentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { RequiresSelectionNode } from './representations.js';

/*
 * What the @requires of each subgraph field asks for, as far as arguments go: the top-level fields of
 * its field set whose definitions take arguments, with the arguments the field set gives them.
 * Apollo's query planner keys required fields by name alone (apollographql/federation#2276), so these
 * are the fields whose values it can get wrong; required-arguments-plan.ts fixes its plans with them.
 */

/** One field with arguments that a @requires field set selects. */
export interface RequiredField {
  /** The field's name. */
  readonly name: string;
  /**
   * The fields without arguments, and the type conditions (`... on Image`), that lead to it from the
   * requiring type; empty at the top.
   */
  readonly parentPath: readonly string[];
  readonly arguments: readonly ArgumentNode[];
  /** Its arguments with defaults filled in, as canonical JSON: equal values give equal keys. */
  readonly argumentsKey: string;
  /** The default values of its arguments, by name. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The sub-selection the field set gives it, for the representation. */
  readonly selections: readonly RequiresSelectionNode[] | undefined;
}

/** How a type condition is written as a step of a `parentPath`, as in a plan's rewrite paths. */
export const FRAGMENT_STEP = '... on ';

export class RequiredArguments {
  private readonly cache = new Map<string, readonly RequiredField[]>();
  /** Subgraphs with at least one @requires on a field with arguments; others need no rewrite. */
  private readonly withArguments: ReadonlySet<string>;

  constructor(private readonly supergraph: Supergraph) {
    const services = new Set<string>();
    for (const subgraph of supergraph.subgraphs()) {
      const requires = subgraph.metadata().requiresDirective();
      for (const application of requires.applications()) {
        const field = application.parent;
        if (!(field instanceof FieldDefinition)) continue;
        if (this.fieldsOf(subgraph.name, field.parent.name, field.name).length > 0) {
          services.add(subgraph.name);
          break;
        }
      }
    }
    this.withArguments = services;
  }

  /** Whether any @requires of the subgraph selects a field with arguments. */
  concerns(serviceName: string): boolean {
    return this.withArguments.has(serviceName);
  }

  /** The fields with arguments the @requires of `typeName.fieldName` in the subgraph selects. */
  fieldsOf(serviceName: string, typeName: string, fieldName: string): readonly RequiredField[] {
    const key = `${serviceName}\n${typeName}\n${fieldName}`;
    let fields = this.cache.get(key);
    if (!fields) {
      fields = this.read(serviceName, typeName, fieldName);
      this.cache.set(key, fields);
    }
    return fields;
  }

  private read(serviceName: string, typeName: string, fieldName: string): readonly RequiredField[] {
    const subgraph = this.supergraph.subgraphs().get(serviceName);
    const type = subgraph?.schema.type(typeName);
    if (!subgraph || !type || !isCompositeType(type) || !('field' in type)) return [];
    const field = type.field(fieldName);
    const requires = field?.appliedDirectivesOf(subgraph.metadata().requiresDirective())[0];
    if (!requires) return [];
    const fieldSet = parse(`{${requires.arguments().fields}}`, { noLocation: true });
    const selections = (fieldSet.definitions[0] as { selectionSet: SelectionSetNode }).selectionSet
      .selections;
    const found: RequiredField[] = [];
    collectFieldsWithArguments(selections, type, [], found, subgraph.schema);
    return found;
  }
}

/**
 * The fields with arguments a field set selects, at any depth below fields without arguments (the
 * fields below one with arguments are fetched with it, under its alias).
 */
function collectFieldsWithArguments(
  selections: readonly SelectionNode[],
  type: CompositeType,
  parentPath: readonly string[],
  found: RequiredField[],
  schema: Schema,
): void {
  for (const selection of selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      const fragmentType = condition === undefined ? type : schema.type(condition);
      if (!fragmentType || !isCompositeType(fragmentType)) continue;
      const path = condition === undefined ? parentPath : [...parentPath, `${FRAGMENT_STEP}${condition}`];
      collectFieldsWithArguments(selection.selectionSet.selections, fragmentType, path, found, schema);
      continue;
    }
    if (selection.kind !== Kind.FIELD) continue;
    const definition = 'field' in type ? type.field(selection.name.value) : undefined;
    if (!definition) continue;
    const parameters = definition.arguments();
    if (parameters.length === 0) {
      const fieldType = baseType(definition.type as NamedType);
      if (selection.selectionSet && isCompositeType(fieldType)) {
        const path = [...parentPath, selection.name.value];
        collectFieldsWithArguments(selection.selectionSet.selections, fieldType, path, found, schema);
      }
      continue;
    }
    const defaults: Record<string, unknown> = {};
    for (const parameter of parameters) {
      if (parameter.defaultValue !== undefined) defaults[parameter.name] = parameter.defaultValue;
    }
    const argumentsKey = argumentsKeyOf(selection.arguments ?? [], defaults);
    if (argumentsKey === undefined) continue;
    found.push({
      name: selection.name.value,
      parentPath,
      arguments: selection.arguments ?? [],
      argumentsKey,
      defaults,
      selections: selection.selectionSet ? requiresSelections(selection.selectionSet) : undefined,
    });
  }
}

/**
 * Arguments with the defaults of those not given, as canonical JSON: equal values give equal keys.
 * Undefined when a value is a variable, which has no value before a request.
 */
export function argumentsKeyOf(
  given: readonly ArgumentNode[],
  defaults: Readonly<Record<string, unknown>>,
): string | undefined {
  const values: Record<string, unknown> = { ...defaults };
  let variable = false;
  for (const argument of given) {
    visit(argument.value, {
      Variable() {
        variable = true;
      },
    });
    values[argument.name.value] = valueFromASTUntyped(argument.value);
  }
  return variable ? undefined : canonicalJson(values);
}

/** A field set's selections in the form of a query plan's `requires`. */
function requiresSelections(selectionSet: SelectionSetNode): RequiresSelectionNode[] {
  return selectionSet.selections.flatMap((selection: SelectionNode): RequiresSelectionNode[] => {
    if (selection.kind === Kind.FIELD) {
      return [
        {
          kind: 'Field',
          name: selection.name.value,
          ...(selection.selectionSet ? { selections: requiresSelections(selection.selectionSet) } : {}),
        },
      ];
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return [
        {
          kind: 'InlineFragment',
          ...(selection.typeCondition ? { typeCondition: selection.typeCondition.name.value } : {}),
          selections: requiresSelections(selection.selectionSet),
        },
      ];
    }
    return [];
  });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

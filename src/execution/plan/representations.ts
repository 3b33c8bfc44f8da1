import type { QueryPlanFieldNode, QueryPlanInlineFragmentNode } from '@apollo/query-planner';
import { applyRewrites, type CompiledRewrite } from './data-rewrites.js';
import { deepMerge, type JsonObject } from '../merge-data.js';
import type { SchemaFacts } from '../schema-facts.js';

/*
 * Representations for `_entities` fetches: built from each entity with the fetch's `requires`
 * selection as Apollo's executeSelectionSet builds them, rewritten by `inputRewrites`, serialised, and
 * de-duplicated by that serialisation (the same keys always come in the same order, so equal JSON
 * means an equal representation).
 */

/**
 * A selection of a fetch's `requires`. `readFrom`, set by required-arguments-plan.ts only, is the
 * response key the field's value is read from in the data, when that is not its own.
 */
export type RequiresSelectionNode =
  | (Omit<QueryPlanFieldNode, 'selections'> & {
      readonly selections?: readonly RequiresSelectionNode[];
      readonly readFrom?: string;
    })
  | (Omit<QueryPlanInlineFragmentNode, 'selections'> & {
      readonly selections: readonly RequiresSelectionNode[];
    });

export class RequiresSelection {
  constructor(
    /** The response key of a field in the representation; undefined for an inline fragment. */
    readonly responseName: string | undefined,
    readonly selections: readonly RequiresSelection[] | undefined,
    /** Inline fragment: the `__typename`s its type condition applies to; undefined if it has none. */
    readonly matches: ReadonlySet<string> | undefined,
    /** The response key the field's value is read from in the data. */
    readonly sourceKey: string | undefined = responseName,
  ) {}
}

export function compileRequires(
  selections: readonly RequiresSelectionNode[],
  facts: SchemaFacts,
  keys: Set<string>,
): RequiresSelection[] {
  return selections.map((selection) => {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const sourceKey = selection.readFrom ?? responseName;
      keys.add(responseName);
      keys.add(sourceKey);
      const sub = selection.selections ? compileRequires(selection.selections, facts, keys) : undefined;
      return new RequiresSelection(responseName, sub, undefined, sourceKey);
    }
    const matches = selection.typeCondition ? facts.supergraphMatches(selection.typeCondition) : undefined;
    return new RequiresSelection(undefined, compileRequires(selection.selections, facts, keys), matches);
  });
}

/** Apollo's `executeSelectionSet`: null when a selected field is missing. */
export function selectRepresentation(
  source: unknown,
  selections: readonly RequiresSelection[],
): JsonObject | null {
  if (source === null) return null;
  const result: JsonObject = {};
  for (let index = 0; index < selections.length; index++) {
    const selection = selections[index] as RequiresSelection;
    const key = selection.responseName;
    if (key !== undefined) {
      if (typeof source !== 'object' || source === undefined) return null;
      const from = selection.sourceKey as string;
      const value = (source as JsonObject)[from];
      if (value === undefined || !Object.prototype.hasOwnProperty.call(source, from)) return null;
      const sub = selection.selections;
      if (Array.isArray(value)) {
        result[key] = sub
          ? value.map((element: unknown) => selectRepresentation(element, sub))
          : value.slice();
      } else {
        result[key] = sub ? selectRepresentation(value, sub) : value;
      }
      continue;
    }
    // Apollo skips fragments without a type condition, and fragments on a falsy source.
    if (selection.matches === undefined || !source) continue;
    const typename = (source as JsonObject).__typename;
    if (typename && selection.matches.has(typename as string)) {
      deepMerge(result, selectRepresentation(source, selection.selections as readonly RequiresSelection[]));
    }
  }
  return result;
}

/**
 * A `requires` of the usual form, `... on T { __typename k1 k2 }` with leaf fields only, for which
 * representations are de-duplicated by their values without being built or serialised first.
 */
export interface FlatRequires {
  /** Identifies the form, so that fetches with the same `requires` share their index. */
  key: string;
  matches: ReadonlySet<string>;
  fields: readonly string[];
  /**
   * The fields whose values tell representations apart: all of them, or all but `__typename` when
   * the type condition admits one type only.
   */
  indexed: readonly string[];
}

export function flatRequires(selections: readonly RequiresSelection[]): FlatRequires | undefined {
  const fragment = selections[0];
  if (selections.length !== 1 || !fragment?.matches || !fragment.selections) return undefined;
  const fields: string[] = [];
  for (const selection of fragment.selections) {
    const name = selection.responseName;
    if (name === undefined || selection.selections !== undefined || fields.includes(name)) return undefined;
    if (selection.sourceKey !== name) return undefined;
    fields.push(name);
  }
  // Without __typename no representation is ever sent; leave that oddity to the general path.
  if (!fields.includes('__typename')) return undefined;
  const indexed = fragment.matches.size === 1 ? fields.filter((field) => field !== '__typename') : fields;
  if (indexed.length === 0) return undefined;
  return {
    key: `${[...fragment.matches].join('|')} ${fields.join(' ')}`,
    matches: fragment.matches,
    fields,
    indexed,
  };
}

type ValueIndex = Map<unknown, unknown>;

/**
 * The representations of one `_entities` call, de-duplicated: `json[u]` is the u-th unique one. Each
 * fetch taking part records, per representation Apollo would have sent, which unique one it became.
 */
export class RepresentationSet {
  readonly json: string[] = [];
  private readonly byJson = new Map<string, number>();
  // For flat requires: nested maps from each field's value to the next field's map, and from the last
  // field's value to the unique index. Values are JSON primitives, which Map compares as JSON does.
  private readonly byValues = new Map<string, ValueIndex>();

  /**
   * Adds the representations of `entities`. Returns, for each representation Apollo would have sent
   * (entities without one are skipped, as Apollo skips them), the entity's index and the unique
   * representation's index, interleaved: [entity0, unique0, entity1, unique1, …].
   */
  add(
    entities: readonly JsonObject[],
    requires: readonly RequiresSelection[],
    flat: FlatRequires | undefined,
    rewrites: readonly CompiledRewrite[],
  ): number[] {
    if (flat && rewrites.length === 0) return this.addFlat(entities, requires, flat);
    const mapping: number[] = [];
    for (let entity = 0; entity < entities.length; entity++) {
      const unique = this.addOne(entities[entity], requires, rewrites);
      if (unique >= 0) mapping.push(entity, unique);
    }
    return mapping;
  }

  get size(): number {
    return this.json.length;
  }

  /** The unique index of the entity's representation, or -1 when it has none. */
  private addOne(
    entity: unknown,
    requires: readonly RequiresSelection[],
    rewrites: readonly CompiledRewrite[],
  ): number {
    const representation = selectRepresentation(entity, requires);
    if (!representation || !representation.__typename) return -1;
    if (rewrites.length > 0) applyRewrites(rewrites, representation);
    return this.unique(JSON.stringify(representation));
  }

  private unique(json: string): number {
    let unique = this.byJson.get(json);
    if (unique === undefined) {
      unique = this.json.length;
      this.json.push(json);
      this.byJson.set(json, unique);
    }
    return unique;
  }

  private addFlat(
    entities: readonly JsonObject[],
    requires: readonly RequiresSelection[],
    flat: FlatRequires,
  ): number[] {
    // Sized for every entity, then cut to what was used: no reallocation while it fills.
    const mapping: number[] = new Array(entities.length * 2);
    let used = 0;
    let root = this.byValues.get(flat.key);
    if (!root) this.byValues.set(flat.key, (root = new Map()));
    const { fields, indexed, matches } = flat;
    const last = indexed.length - 1;
    next: for (let entity = 0; entity < entities.length; entity++) {
      const source = entities[entity] as JsonObject;
      const typename = source.__typename;
      // The fragment does not apply: the representation is empty and is not sent.
      if (!typename || !matches.has(typename as string)) continue;
      let index = root;
      for (let field = 0; ; field++) {
        const value = source[indexed[field] as string];
        // A missing field: no representation, as for Apollo.
        if (value === undefined) continue next;
        if (typeof value === 'object' && value !== null) {
          const unique = this.addOne(source, requires, []);
          if (unique >= 0) {
            mapping[used++] = entity;
            mapping[used++] = unique;
          }
          continue next;
        }
        const found = index.get(value);
        if (field === last) {
          let unique = found as number | undefined;
          if (unique === undefined) {
            const representation: JsonObject = {};
            for (const name of fields) representation[name] = source[name];
            unique = this.unique(JSON.stringify(representation));
            index.set(value, unique);
          }
          mapping[used++] = entity;
          mapping[used++] = unique;
          continue next;
        }
        if (found === undefined) {
          const created: ValueIndex = new Map();
          index.set(value, created);
          index = created;
        } else {
          index = found as ValueIndex;
        }
      }
    }
    mapping.length = used;
    return mapping;
  }
}

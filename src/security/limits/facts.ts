import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * What the operation limits are compared with, measured on the parsed document before graphql-js
 * validates it. Validation's OverlappingFieldsCanBeMerged is quadratic in the fields of a selection
 * set, so an alias or field bomb must be refused before it: this pass is linear in the document.
 * Fragments are summarised once each (memoised), so counts "through fragments, per reach" cost
 * nothing extra however often a fragment is spread, and saturate instead of growing exponentially.
 * The document is not yet validated: spreads of unknown fragments count as spreads and reach nothing,
 * and a fragment cycle makes the depth infinite (validation would refuse it anyway).
 */
export interface DocumentFacts {
  /** Directives anywhere in the document (selections, definitions, variable definitions). */
  readonly directives: number;
  /** Fragment definitions. */
  readonly fragments: number;
  /** The facts of the operation `name` would select (Apollo's rules), or undefined when none matches. */
  operation(name: string | null | undefined): OperationFacts | undefined;
}

export interface OperationFacts {
  /** The operation's name, when it has one (for logs). */
  readonly name?: string;
  /** Deepest field, counting a leaf field as a level, through fragments; Infinity through a cycle. */
  readonly depth: number;
  /** Aliased fields, each counted every time the fragment holding it is reached. */
  readonly aliases: number;
  /** Fields at the root of the operation, through fragments and inline fragments. */
  readonly rootFields: number;
  /** Fragment spreads, counted each time one is reached from the operation. */
  readonly spreads: number;
  /** The fragments of a cycle reached from the operation (`A`, `B`, `A`), when there is one. */
  readonly cycle?: readonly string[];
}

/** Counts beyond this are reported as this: a chain of fragments each spread twice doubles per link. */
export const COUNT_CAP = 2 ** 50;
const add = (a: number, b: number) => Math.min(a + b, COUNT_CAP);

/** A spread inside a definition, with the number of field levels above it there. */
interface SpreadSite {
  readonly name: string;
  readonly level: number;
}

/** What one definition (operation or fragment) holds itself, before its spreads are followed. */
interface LocalSummary {
  readonly depth: number;
  readonly aliases: number;
  /** Fields at the top level, inline fragments included. */
  readonly topFields: number;
  readonly spreads: readonly SpreadSite[];
  readonly directives: number;
}

/** A definition's totals, its spreads followed. */
interface Totals {
  depth: number;
  aliases: number;
  topFields: number;
  spreads: number;
}

const cache = new WeakMap<DocumentNode, DocumentFacts>();

/** The facts of a document, computed once per DocumentNode (Apollo's document store keeps the node). */
export function factsOf(document: DocumentNode): DocumentFacts {
  let facts = cache.get(document);
  if (facts === undefined) {
    facts = measureDocument(document);
    cache.set(document, facts);
  }
  return facts;
}

function measureDocument(document: DocumentNode): DocumentFacts {
  const operations: OperationDefinitionNode[] = [];
  const fragmentSummaries = new Map<string, LocalSummary>();
  let directives = 0;
  let fragments = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations.push(definition);
      directives += (definition.directives?.length ?? 0) + variableDirectives(definition);
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments++;
      directives += definition.directives?.length ?? 0;
      const summary = summarise(definition.selectionSet);
      directives += summary.directives;
      // A duplicate name is a validation error; the first definition is the one measured.
      if (!fragmentSummaries.has(definition.name.value))
        fragmentSummaries.set(definition.name.value, summary);
    }
  }
  const operationSummaries = new Map<OperationDefinitionNode, LocalSummary>();
  for (const operation of operations) {
    const summary = summarise(operation.selectionSet);
    directives += summary.directives;
    operationSummaries.set(operation, summary);
  }
  const resolved = new Map<string, Totals>();
  const byName = new Map<string, OperationFacts>();
  return {
    directives,
    fragments,
    operation(name) {
      const key = name ?? '';
      let facts = byName.get(key);
      if (facts !== undefined) return facts;
      const operation = selectOperation(operations, name);
      if (operation === undefined) return undefined;
      // Only names of operations in the document are kept: clients choose the name.
      facts = operationFacts(
        operation,
        operationSummaries.get(operation) as LocalSummary,
        fragmentSummaries,
        resolved,
      );
      byName.set(key, facts);
      return facts;
    },
  };
}

function variableDirectives(operation: OperationDefinitionNode): number {
  let count = 0;
  for (const variable of operation.variableDefinitions ?? []) count += variable.directives?.length ?? 0;
  return count;
}

/** As Apollo Server picks it (graphql-js `getOperationAST`): by name, or the only one. */
function selectOperation(
  operations: readonly OperationDefinitionNode[],
  name: string | null | undefined,
): OperationDefinitionNode | undefined {
  if (name) return operations.find((operation) => operation.name?.value === name);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * One definition's own counts, walking its selection sets with a stack rather than recursion: the
 * parser's recursion bounds the nesting, but a walk of our own should not be what runs out of stack.
 */
function summarise(root: SelectionSetNode): LocalSummary {
  let depth = 0;
  let aliases = 0;
  let topFields = 0;
  let directives = 0;
  const spreads: SpreadSite[] = [];
  const stack: { set: SelectionSetNode; level: number }[] = [{ set: root, level: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { set, level } = next;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.alias !== undefined) aliases++;
          if (level === 0) topFields++;
          if (level + 1 > depth) depth = level + 1;
          if (selection.selectionSet !== undefined)
            stack.push({ set: selection.selectionSet, level: level + 1 });
          break;
        case Kind.INLINE_FRAGMENT:
          stack.push({ set: selection.selectionSet, level });
          break;
        case Kind.FRAGMENT_SPREAD:
          spreads.push({ name: selection.name.value, level });
          break;
        default: {
          const unknown: never = selection;
          throw new Error(`unexpected selection ${String(unknown)}`);
        }
      }
    }
  }
  return { depth, aliases, topFields, spreads, directives };
}

function operationFacts(
  definition: OperationDefinitionNode,
  operation: LocalSummary,
  fragments: ReadonlyMap<string, LocalSummary>,
  resolved: Map<string, Totals>,
): OperationFacts {
  let cycle: string[] | undefined;
  // Resolve every fragment the operation reaches, dependencies first, with an explicit stack: a chain
  // of thousands of fragments must not overflow the call stack.
  const inProgress = new Set<string>();
  const path: string[] = [];
  const pending: { name: string; entered: boolean }[] = operation.spreads.map(({ name }) => ({
    name,
    entered: false,
  }));
  while (pending.length > 0) {
    const top = pending[pending.length - 1] as { name: string; entered: boolean };
    const summary = fragments.get(top.name);
    if (resolved.has(top.name) || summary === undefined) {
      pending.pop();
      continue;
    }
    if (!top.entered) {
      if (inProgress.has(top.name)) {
        cycle ??= [...path.slice(path.indexOf(top.name)), top.name];
        pending.pop();
        continue;
      }
      top.entered = true;
      inProgress.add(top.name);
      path.push(top.name);
      for (const spread of summary.spreads) pending.push({ name: spread.name, entered: false });
      continue;
    }
    pending.pop();
    inProgress.delete(top.name);
    path.pop();
    resolved.set(top.name, combine(summary, resolved));
  }
  const totals = combine(operation, resolved);
  return {
    ...(definition.name ? { name: definition.name.value } : {}),
    depth: cycle ? Infinity : totals.depth,
    aliases: totals.aliases,
    rootFields: totals.topFields,
    spreads: totals.spreads,
    ...(cycle ? { cycle } : {}),
  };
}

/**
 * A definition's totals from its own counts and the totals of the fragments it spreads. A spread of
 * an unknown fragment, or one back into a cycle (not resolved yet), reaches nothing.
 */
function combine(summary: LocalSummary, resolved: ReadonlyMap<string, Totals>): Totals {
  let { depth, aliases, topFields } = summary;
  let spreads = summary.spreads.length;
  for (const spread of summary.spreads) {
    const target = resolved.get(spread.name);
    if (target === undefined) continue;
    depth = Math.max(depth, spread.level + target.depth);
    aliases = add(aliases, target.aliases);
    spreads = add(spreads, target.spreads);
    if (spread.level === 0) topFields = add(topFields, target.topFields);
  }
  return { depth, aliases, topFields, spreads };
}

import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import {
  covers,
  entityFetchOf,
  entityFragments,
  fieldsAt,
  fieldsNamed,
  isFieldStep,
  sameArguments,
  variablesIn,
  withoutDirectives,
} from './fetch-documents.js';
import {
  argumentsKeyOf,
  FRAGMENT_STEP,
  type RequiredArguments,
  type RequiredField,
} from './required-arguments.js';
import { groupByArguments, groupRequires, pathOf, type Member } from './required-groups.js';
import type { SchemaFacts } from '../schema-facts.js';

/*
 * Fixes Apollo query plans where @requires selects a field with arguments (apollographql/federation
 * #2276, #2996). Apollo's planner keys a required field by its name alone: it merges the required
 * `comments(limit: 3)` into the client's `comments(limit: 2)` (or the other way round, whichever comes
 * last), and merges two requirements of one field with different arguments into one. So:
 * - where the fetch that provides the field gives it other arguments, it also selects the field
 *   under an alias of its own with exactly the required arguments, and the representations read it
 *   from that alias (`readFrom`);
 * - the client's field there gets back the client's arguments (and variables), should the planner
 *   have put the required ones in their place;
 * - an entity fetch whose fields require one field with different arguments is split into one fetch
 *   per set of arguments, since one representation carries one value per field.
 * Where a plan does not have the expected form, it is left as Apollo made it.
 */

/** The client's operation, where the client's own arguments are read. */
export interface ClientOperation {
  document: DocumentNode;
  operationName: string | undefined;
}

interface FetchAt {
  node: FetchNode;
  path: readonly string[] | undefined;
}

interface Walked {
  node: PlanNode;
  fetches: FetchAt[];
}

/** The plan, with its requirements of fields with arguments met exactly. */
export function withRequiredArguments(
  plan: QueryPlan,
  required: RequiredArguments,
  client: ClientOperation,
  facts: SchemaFacts,
): QueryPlan {
  const root = plan.node;
  if (!root || root.kind === 'Subscription' || !concernsAny(root, required)) return plan;
  const rewriter = new PlanRewriter(required, client, facts);
  const { node } = rewriter.walk(root, []);
  if (!rewriter.printEdits()) return plan;
  return { ...plan, node };
}

function concernsAny(node: PlanNode, required: RequiredArguments): boolean {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some((child) => concernsAny(child, required));
    case 'Flatten':
      return concernsAny(node.node, required);
    case 'Condition':
      return [node.ifClause, node.elseClause].some(
        (child) => child !== undefined && concernsAny(child, required),
      );
    case 'Fetch':
      return node.requires !== undefined && required.concerns(node.serviceName);
    case 'Defer':
      return false;
  }
}

/** An operation being edited. */
interface Edit {
  document: DocumentNode;
  changed: boolean;
}

class PlanRewriter {
  private readonly edits = new Map<FetchNode, Edit>();
  private readonly aliases = new Map<string, string>();
  /** Whether an entity fetch was split or reads a requirement from an alias. */
  private rewritten = false;
  /** Every response key of the client's document: an alias added to a fetch must be none of them. */
  private clientKeys: Set<string> | undefined;
  private clientDocument:
    { operation: OperationDefinitionNode; fragments: Map<string, FragmentDefinitionNode> } | undefined;

  constructor(
    private readonly required: RequiredArguments,
    private readonly client: ClientOperation,
    private readonly facts: SchemaFacts,
  ) {}

  /** A copy of the node, rewritten; `before` are the fetches sure to have run before it starts. */
  walk(node: PlanNode, before: readonly FetchAt[], path?: readonly string[]): Walked {
    switch (node.kind) {
      case 'Sequence': {
        let done = before;
        const nodes: PlanNode[] = [];
        const fetches: FetchAt[] = [];
        for (const child of node.nodes) {
          const walked = this.walk(child, done, path);
          nodes.push(walked.node);
          fetches.push(...walked.fetches);
          done = [...done, ...walked.fetches];
        }
        return { node: { kind: 'Sequence', nodes }, fetches };
      }
      case 'Parallel': {
        const walked = node.nodes.map((child) => this.walk(child, before, path));
        return {
          node: { kind: 'Parallel', nodes: walked.map((child) => child.node) },
          fetches: walked.flatMap((child) => child.fetches),
        };
      }
      case 'Condition': {
        const ifClause = node.ifClause && this.walk(node.ifClause, before, path);
        const elseClause = node.elseClause && this.walk(node.elseClause, before, path);
        return {
          node: {
            ...node,
            ...(ifClause ? { ifClause: ifClause.node } : {}),
            ...(elseClause ? { elseClause: elseClause.node } : {}),
          },
          fetches: [...(ifClause?.fetches ?? []), ...(elseClause?.fetches ?? [])],
        };
      }
      case 'Flatten': {
        if (node.node.kind !== 'Fetch') return { node, fetches: [] };
        const flattenPath = node.path.map(String);
        const fetches = this.entityFetches({ ...node.node }, flattenPath, before);
        const flattened = fetches.map((fetch): PlanNode => ({ ...node, node: fetch }));
        return {
          node: flattened.length === 1 ? (flattened[0] as PlanNode) : { kind: 'Parallel', nodes: flattened },
          fetches: fetches.map((fetch) => ({ node: fetch, path: flattenPath })),
        };
      }
      case 'Fetch': {
        const copy = { ...node };
        return { node: copy, fetches: [{ node: copy, path: undefined }] };
      }
      case 'Defer':
        return { node, fetches: [] };
    }
  }

  /** Writes the edited operations back into their fetches; false when the plan needs no change. */
  printEdits(): boolean {
    let changed = this.rewritten;
    for (const [fetch, edit] of this.edits) {
      if (!edit.changed) continue;
      fetch.operation = stripIgnoredCharacters(print(edit.document));
      delete fetch.operationDocumentNode;
      changed = true;
    }
    return changed;
  }

  /** The entity fetch as one or more fetches whose representations carry what their fields require. */
  private entityFetches(fetch: FetchNode, path: readonly string[], before: readonly FetchAt[]): FetchNode[] {
    if (!fetch.requires || !this.required.concerns(fetch.serviceName)) return [fetch];
    const document = parse(fetch.operation, { noLocation: true });
    const fragments = entityFragments(document);
    if (!fragments) return [fetch];
    const members: Member[] = [];
    for (const fragment of fragments) {
      const typeName = fragment.typeCondition?.name.value;
      if (!typeName) return [fetch];
      for (const selection of fragment.selectionSet.selections) {
        const needs =
          selection.kind === Kind.FIELD
            ? this.required.fieldsOf(fetch.serviceName, typeName, selection.name.value)
            : [];
        members.push({ selection, typeName, needs });
      }
    }
    if (members.every((member) => member.needs.length === 0)) return [fetch];
    const sources = new Map<RequiredField, string | null>();
    for (const member of members) {
      for (const need of member.needs) {
        const source = this.provide(path, member.typeName, need, before);
        if (source === false) return [fetch];
        sources.set(need, source);
      }
    }
    const groups = groupByArguments(members);
    // Apollo's plan was right for this fetch: its fields get what they require as it is.
    if (groups.length === 1 && [...sources.values()].every((source) => source === null)) return [fetch];
    const requiredPaths = new Set(members.flatMap((member) => member.needs.map(pathOf)));
    const split: FetchNode[] = [];
    this.rewritten = true;
    for (const group of groups) {
      const requires = groupRequires(fetch.requires, group, requiredPaths, sources);
      if (!requires) return [fetch];
      // Apollo's type for `requires` has no `readFrom`; only Gatehouse's executor runs these plans.
      split.push({
        ...entityFetchOf(fetch, document, new Set(group.map((member) => member.selection))),
        requires: requires as unknown as NonNullable<FetchNode['requires']>,
      });
    }
    return split;
  }

  /** The alias under which a requirement is fetched: one per type, field and arguments. */
  private aliasOf(typeName: string, need: RequiredField): string {
    const key = `${typeName}.${pathOf(need)}(${need.argumentsKey})`;
    let alias = this.aliases.get(key);
    if (!alias) {
      let counter = this.aliases.size;
      do alias = `gatehouse_required_${counter++}`;
      while (this.responseKeys().has(alias));
      this.aliases.set(key, alias);
    }
    return alias;
  }

  /**
   * Makes the latest fetch before this one that selects the field at `path` give the requirement
   * exactly its arguments, and gives that field back the client's own arguments. Returns where the
   * representation reads the value: `null` for the field itself, when it has exactly the required
   * arguments (Apollo's plan was right), or else the alias it is now also selected under. False when
   * no fetch selects it where expected.
   */
  private provide(
    path: readonly string[],
    typeName: string,
    need: RequiredField,
    before: readonly FetchAt[],
  ): string | null | false {
    const parentPath = [...path, ...need.parentPath];
    for (let index = before.length - 1; index >= 0; index--) {
      const provider = before[index] as FetchAt;
      const edit = this.editOf(provider.node);
      // Only where the type the field is required on can be: not in a fragment on another type.
      const on = need.parentPath.length === 0 ? typeName : conditionOf(need.parentPath.at(-1) as string);
      const found = fieldsAt(edit.document, provider.path, parentPath, need.name).filter(
        ({ condition }) => condition === undefined || on === undefined || this.overlap(condition, on),
      );
      if (found.length === 0) continue;
      if (found.some(({ field }) => !covers(field.selectionSet, need.selections))) return false;
      for (const { field } of found) this.restoreClientArguments(provider.node, edit, parentPath, field);
      if (found.every(({ field }) => hasExactly(field, need))) return null;
      const alias = this.aliasOf(typeName, need);
      for (const { selectionSet, field } of found) {
        const selections = selectionSet.selections as SelectionNode[];
        const hasAlias = selections.some(
          (selection) => selection.kind === Kind.FIELD && selection.alias?.value === alias,
        );
        if (hasAlias) continue;
        edit.changed = true;
        selections.push({
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: alias },
          name: field.name,
          arguments: need.arguments,
          ...(field.selectionSet ? { selectionSet: withoutDirectives(field.selectionSet) } : {}),
        });
      }
      return alias;
    }
    return false;
  }

  /** Gives the provider's field the client's own arguments where the planner put required ones. */
  private restoreClientArguments(
    fetch: FetchNode,
    edit: Edit,
    path: readonly string[],
    field: FieldNode,
  ): void {
    const clientField = this.clientFieldAt(path, field.name.value);
    if (!clientField || sameArguments(clientField.arguments, field.arguments)) return;
    (field as { arguments?: readonly ArgumentNode[] }).arguments = clientField.arguments ?? [];
    edit.changed = true;
    const operation = edit.document.definitions[0] as {
      variableDefinitions?: readonly VariableDefinitionNode[];
    };
    const definitions = [...(operation.variableDefinitions ?? [])];
    const declared = new Set(definitions.map((definition) => definition.variable.name.value));
    const clientDefinitions = this.clientOperation()?.operation.variableDefinitions ?? [];
    for (const name of variablesIn(clientField.arguments ?? [])) {
      const definition = clientDefinitions.find((candidate) => candidate.variable.name.value === name);
      if (declared.has(name) || !definition) continue;
      definitions.push(definition);
      fetch.variableUsages = [...(fetch.variableUsages ?? []), name];
      declared.add(name);
    }
    operation.variableDefinitions = definitions;
  }

  private responseKeys(): ReadonlySet<string> {
    if (!this.clientKeys) {
      const keys = new Set<string>();
      visit(this.client.document, {
        Field(field) {
          keys.add((field.alias ?? field.name).value);
        },
      });
      this.clientKeys = keys;
    }
    return this.clientKeys;
  }

  /** Whether an object can be of both types. */
  private overlap(a: string, b: string): boolean {
    return this.facts.supergraphMatches(a).has(b) || this.facts.supergraphMatches(b).has(a);
  }

  private editOf(fetch: FetchNode): Edit {
    let edit = this.edits.get(fetch);
    if (!edit) {
      edit = { document: parse(fetch.operation, { noLocation: true }), changed: false };
      this.edits.set(fetch, edit);
    }
    return edit;
  }

  private clientOperation() {
    if (!this.clientDocument) {
      const { document, operationName } = this.client;
      const fragments = new Map<string, FragmentDefinitionNode>();
      let operation: OperationDefinitionNode | undefined;
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
        if (
          definition.kind === Kind.OPERATION_DEFINITION &&
          (operationName === undefined || definition.name?.value === operationName)
        )
          operation ??= definition;
      }
      if (!operation) return undefined;
      this.clientDocument = { operation, fragments };
    }
    return this.clientDocument;
  }

  /** The client's field with this name as response key at the path, if the client selects it there. */
  private clientFieldAt(path: readonly string[], name: string): FieldNode | undefined {
    const client = this.clientOperation();
    if (!client) return undefined;
    let sets: SelectionSetNode[] = [client.operation.selectionSet];
    for (const key of path) {
      if (!isFieldStep(key)) continue;
      sets = sets.flatMap((set) =>
        fieldsNamed(set, key, client.fragments).flatMap((field) =>
          field.selectionSet ? [field.selectionSet] : [],
        ),
      );
    }
    for (const set of sets) {
      const field = fieldsNamed(set, name, client.fragments).find(
        (candidate) => candidate.name.value === name,
      );
      if (field) return field;
    }
    return undefined;
  }
}

/** Whether a fetched field has exactly the required arguments, and no condition that could drop it. */
function hasExactly(field: FieldNode, need: RequiredField): boolean {
  if ((field.directives?.length ?? 0) > 0) return false;
  return argumentsKeyOf(field.arguments ?? [], need.defaults) === need.argumentsKey;
}

/** The type a `parentPath` step is a condition on; undefined for a field step. */
function conditionOf(step: string): string | undefined {
  return step.startsWith(FRAGMENT_STEP) ? step.slice(FRAGMENT_STEP.length) : undefined;
}

import { createHash } from 'node:crypto';
import {
  Kind,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';

/**
 * An operation's signature: the text that stands for every way of writing the same operation, and
 * its hash, under which usage is counted. Like Apollo's usage-reporting signature, it keeps the
 * selected operation and only the fragments it uses, hides literals (numbers become 0, strings "",
 * lists [] and objects {}; enum values, booleans and null stay, being part of the schema or
 * harmless), drops aliases, sorts what the order of does not change what is read, and strips
 * ignored characters. Two requests that differ only in whitespace, comments, literal values,
 * aliases, field order or unused definitions count as one operation.
 */
export interface OperationSignature {
  text: string;
  /** Hex SHA-256 of `text`. */
  hash: string;
}

export function operationSignature(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationSignature {
  const fragments = usedFragments(document, operation);
  const definitions = [operation, ...[...fragments.values()].sort(byName)].map(normalise);
  const text = definitions.map((definition) => reduceWhitespace(print(definition))).join(' ');
  return { text, hash: createHash('sha256').update(text).digest('hex') };
}

/** The fragments `operation` spreads, directly or through other fragments. */
export function usedFragments(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): Map<string, FragmentDefinitionNode> {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) byName.set(definition.name.value, definition);
  }
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: ASTNode[] = [operation];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = byName.get(name);
        if (fragment === undefined || used.has(name)) return;
        used.set(name, fragment);
        pending.push(fragment);
      },
    });
  }
  return used;
}

function normalise<T extends OperationDefinitionNode | FragmentDefinitionNode>(definition: T): T {
  return visit(definition, {
    IntValue: (node) => ({ ...node, value: '0' }),
    FloatValue: (node) => ({ ...node, value: '0' }),
    StringValue: (node) => ({ ...node, value: '', block: false }),
    ListValue: (node) => ({ ...node, values: [] }),
    ObjectValue: (node) => ({ ...node, fields: [] }),
    Field: (node) => {
      const { alias: _alias, ...rest } = node;
      return { ...rest, arguments: sortByName(node.arguments), directives: sortByName(node.directives) };
    },
    Directive: (node) => ({ ...node, arguments: sortByName(node.arguments) }),
    OperationDefinition: (node) => ({
      ...node,
      variableDefinitions: [...(node.variableDefinitions ?? [])].sort((a, b) =>
        compare(a.variable.name.value, b.variable.name.value),
      ),
    }),
    // Leave runs bottom-up, so the selections below are already normalised and printable.
    SelectionSet: {
      leave: (node) => ({
        ...node,
        selections: [...node.selections]
          .map((selection) => ({ selection, key: print(selection) }))
          .sort(
            (a, b) =>
              compare(selectionRank(a.selection), selectionRank(b.selection)) || compare(a.key, b.key),
          )
          .map(({ selection }) => selection),
      }),
    },
  });
}

/** Fields first, then fragment spreads, then inline fragments, as Apollo's signature orders them. */
function selectionRank(selection: SelectionNode): string {
  return selection.kind === Kind.FIELD ? '0' : selection.kind === Kind.FRAGMENT_SPREAD ? '1' : '2';
}

function sortByName<T extends { name: { value: string } }>(nodes: readonly T[] | undefined): T[] {
  return [...(nodes ?? [])].sort(byName);
}

function byName(a: { name: { value: string } }, b: { name: { value: string } }): number {
  return compare(a.name.value, b.name.value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `print`'s output with only the spaces GraphQL needs: one between two names, none around
 * punctuation. Safe because every string literal is empty by now, so no space is inside one.
 */
function reduceWhitespace(printed: string): string {
  return printed
    .replace(/\s+/g, ' ')
    .replace(/ ?([^_A-Za-z0-9 ]) ?/g, '$1')
    .trim();
}

import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../../subgraphs/accounts/index.js';
import type { SubgraphDefinition } from '../../../subgraphs/lib/serve-subgraph.js';
import { productsSubgraph } from '../../../subgraphs/products/index.js';
import { reviewsSubgraph } from '../../../subgraphs/reviews/index.js';

const definitions = [accountsSubgraph, productsSubgraph, reviewsSubgraph];

function subgraphSdl(definition: SubgraphDefinition): string {
  return printSubgraphSchema(
    buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers }),
  );
}

function compose() {
  return composeServices(
    definitions.map((definition) => ({
      name: definition.name,
      url: `http://localhost/${definition.name}/graphql`,
      typeDefs: parse(subgraphSdl(definition)),
    })),
  );
}

type Directives = { name: string; args: Record<string, unknown> }[];

function directivesOf(node: { readonly directives?: readonly ConstDirectiveNode[] | undefined }): Directives {
  return (node.directives ?? []).map((directive) => ({
    name: directive.name.value,
    args: Object.fromEntries(
      (directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
    ),
  }));
}

function typeNode(document: DocumentNode, name: string) {
  const node = document.definitions.find(
    (definition) =>
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.INTERFACE_TYPE_DEFINITION) &&
      definition.name.value === name,
  );
  if (!node || (node.kind !== Kind.OBJECT_TYPE_DEFINITION && node.kind !== Kind.INTERFACE_TYPE_DEFINITION)) {
    throw new Error(`type ${name} not found`);
  }
  return node;
}

function fieldDirectives(document: DocumentNode, typeName: string, fieldName: string): Directives {
  const field = typeNode(document, typeName).fields?.find((f) => f.name.value === fieldName);
  if (!field) throw new Error(`field ${typeName}.${fieldName} not found`);
  return directivesOf(field);
}

describe('example subgraphs composition', () => {
  const result = compose();

  it('composes without errors or hints', () => {
    expect(result.errors?.map(String)).toBeUndefined();
    expect((result.hints ?? []).map(String)).toEqual([]);
  });

  const supergraph = parse(result.supergraphSdl ?? '');

  it('uses @key on entities owned by different subgraphs', () => {
    expect(directivesOf(typeNode(supergraph, 'User'))).toEqual([
      { name: 'join__type', args: { graph: 'ACCOUNTS', key: 'id' } },
      { name: 'join__type', args: { graph: 'REVIEWS', key: 'id' } },
    ]);
    expect(directivesOf(typeNode(supergraph, 'Review'))).toEqual([
      { name: 'join__type', args: { graph: 'REVIEWS', key: 'id' } },
    ]);
  });

  it('has an entity interface spanning products and reviews (@interfaceObject)', () => {
    expect(directivesOf(typeNode(supergraph, 'Product'))).toEqual([
      { name: 'join__type', args: { graph: 'PRODUCTS', key: 'upc' } },
      { name: 'join__type', args: { graph: 'REVIEWS', key: 'upc', isInterfaceObject: true } },
    ]);
    // Fields from the reviews subgraph reach every implementation.
    for (const implementation of ['Book', 'Furniture']) {
      const fields = typeNode(supergraph, implementation).fields?.map((field) => field.name.value);
      expect(fields).toEqual(expect.arrayContaining(['name', 'reviews', 'averageRating', 'ratingLabel']));
    }
  });

  it('uses @requires', () => {
    expect(fieldDirectives(supergraph, 'Product', 'ratingLabel')).toEqual([
      { name: 'join__field', args: { graph: 'REVIEWS', requires: 'name' } },
    ]);
    expect(fieldDirectives(supergraph, 'Product', 'name')).toEqual([
      { name: 'join__field', args: { graph: 'PRODUCTS' } },
      { name: 'join__field', args: { graph: 'REVIEWS', external: true } },
    ]);
  });

  it('uses @provides on an @external, @shareable field', () => {
    expect(fieldDirectives(supergraph, 'Review', 'author')).toEqual([
      { name: 'join__field', args: { graph: 'REVIEWS', provides: 'username' } },
    ]);
    expect(fieldDirectives(supergraph, 'User', 'username')).toEqual([
      { name: 'join__field', args: { graph: 'ACCOUNTS' } },
      { name: 'join__field', args: { graph: 'REVIEWS', external: true } },
    ]);
    expect(fieldDirectives(parse(subgraphSdl(accountsSubgraph)), 'User', 'username')).toEqual([
      { name: 'shareable', args: {} },
    ]);
  });
});

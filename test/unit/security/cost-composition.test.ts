import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildCostTable, costDirectiveNames } from '../../../src/security/cost/cost-table.js';
import { estimateCost } from '../../../src/security/cost/estimate.js';
import { composeSubgraphs } from '../../../src/supergraph/compose-subgraphs.js';

// Federation 2.9 composition carries @cost and @listSize from the subgraphs into the supergraph, under
// the names the subgraphs import them as; the gateway's cost table reads them from there.

const FEDERATION = 'https://specs.apollo.dev/federation/v2.9';

function books(imports: string, cost: string, listSize: string): string {
  return `extend schema @link(url: "${FEDERATION}", import: ["@key", ${imports}])
    type Query {
      books(first: Int, filter: BookFilter @${cost}(weight: 3)): [Book!]! @${listSize}(slicingArguments: ["first"])
      shelf: Shelf
    }
    input BookFilter { title: String @${cost}(weight: 4) }
    type Shelf { books: [Book] @${listSize}(assumedSize: 2) }
    type Book @key(fields: "id") @${cost}(weight: 5) { id: ID! title: String genre: Genre }
    enum Genre @${cost}(weight: 7) { NOVEL POETRY }`;
}

function composed(sdl: string): string {
  const result = composeSubgraphs([
    { name: 'books', url: 'http://books.test/graphql', sdl, origin: 'books.graphql' },
  ]);
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.supergraphSdl;
}

function estimated(supergraphSdl: string, query: string): number {
  const apiSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const table = buildCostTable(supergraphSdl, apiSchema);
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return estimateCost({ table, document, operation }, 10).cost;
}

// 4 books × (Book 5 + genre 7) + filter (3 for the argument + 4 for the title)
const QUERY = '{ books(first: 4, filter: { title: "Dune" }) { id title genre } shelf { books { id } } }';
const EXPECTED = 4 * (5 + 7) + 3 + 4 + (1 + 2 * 5);

describe('cost directives through composition', () => {
  it('keeps @cost and @listSize in the supergraph, and the estimate uses them', () => {
    const supergraph = composed(books('"@cost", "@listSize"', 'cost', 'listSize'));
    expect(supergraph).toContain('type Book');
    expect(supergraph).toMatch(/@cost\(weight: 5\)/);
    expect(supergraph).toMatch(/@listSize\(slicingArguments: \["first"\]\)/);
    expect(supergraph).toMatch(/title: String @cost\(weight: 4\)/);
    expect(estimated(supergraph, QUERY)).toBe(EXPECTED);
  });

  it('honours the names a subgraph imports the directives as', () => {
    const supergraph = composed(
      books('{ name: "@cost", as: "@weight" }, { name: "@listSize", as: "@size" }', 'weight', 'size'),
    );
    expect(supergraph).toMatch(/@weight\(weight: 5\)/);
    expect(costDirectiveNames(parse(supergraph))).toEqual({ cost: 'weight', listSize: 'size' });
    expect(estimated(supergraph, QUERY)).toBe(EXPECTED);
  });

  it('reads a renamed spec (`as:`) and unimported directives by their prefixed names', () => {
    const names = costDirectiveNames(
      parse(
        'schema @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price") { query: Query } type Query { a: Int }',
      ),
    );
    expect(names).toEqual({ cost: 'price', listSize: 'price__listSize' });
    expect(costDirectiveNames(parse('type Query { a: Int }'))).toEqual({
      cost: 'cost',
      listSize: 'listSize',
    });
  });

  it('costs the default weights when the subgraphs set none', () => {
    const plain = `extend schema @link(url: "${FEDERATION}", import: ["@key"])
      type Query { books: [Book] } type Book @key(fields: "id") { id: ID! }`;
    expect(estimated(composed(plain), '{ books { id } }')).toBe(10);
  });
});

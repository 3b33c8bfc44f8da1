import { describe, expect, it } from 'vitest';
import { connectorsSchema } from '../../../../src/config/connectors-schema.js';
import { composeSupergraph, type SubgraphSdl } from '../../../../src/supergraph/compose.js';
import { extractConnectors } from '../../../../src/connectors/supergraph.js';
import { UserFacingError } from '../../../../src/errors.js';

const header = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@external", "@requires"])
  @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])
  @source(name: "api", http: { baseURL: "http://127.0.0.1:9" })
`;

const products: SubgraphSdl = {
  name: 'products',
  url: 'http://127.0.0.1:1/graphql',
  origin: 'products.graphql',
  sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])
type Item @key(fields: "id") { id: ID! name: String }
type Query { items: [Item] }`,
};

function connectorSubgraph(body: string): SubgraphSdl {
  return {
    name: 'rest',
    url: 'http://rest.connector.invalid/',
    origin: 'rest.graphql',
    sdl: `${header}${body}`,
    type: 'rest',
  };
}

/** The problems `gatehouse compose` reports for a connector schema (lines count from the header). */
function problemsOf(body: string, config?: Record<string, unknown>): readonly string[] {
  const connectors = connectorsSchema.parse(config ? { subgraphs: { rest: { config } } } : {});
  try {
    composeSupergraph([connectorSubgraph(body), products], { connectors });
  } catch (error) {
    if (error instanceof UserFacingError) return error.details;
    throw error;
  }
  return [];
}

describe('compose-time connector checks', () => {
  it('accepts a valid connector schema and keeps its connectors in the supergraph', () => {
    const body = `
type Item @key(fields: "id") @connect(source: "api", http: { GET: "/items?ids={$batch.id->joinNotNull(',')}" }, selection: "id price") {
  id: ID!
  price: Int
}
type Query {
  item(id: ID!): Item @connect(source: "api", http: { GET: "/items/{$args.id}" }, selection: "id price", entity: true)
}`;
    const supergraph = composeSupergraph([connectorSubgraph(body), products]);
    const { graphs } = extractConnectors(supergraph);
    expect(graphs.map((graph) => graph.connectors.map((connector) => connector.id))).toEqual([
      ['rest:Item@connect[0]', 'rest:Query.item@connect[0]'],
    ]);
  });

  it('reports a syntax error in a block-string selection at its line and column in the file', () => {
    const problems = problemsOf(`
type Query {
  item(id: ID!): Item @connect(source: "api", http: { GET: "/items/{$args.id}" }, selection: """
    id
    price ->
  """)
}
type Item { id: ID! price: Int }`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/@connect on Query\.item: selection: Expected a method name/);
    expect(problems[0]).toContain('at rest.graphql:9:13');
  });

  it('reports template variables that do not exist, where they are written', () => {
    const problems = problemsOf(`
type Query {
  item(id: ID!): Item @connect(source: "api", http: { GET: "/items/{$args.idd}?k={$config.key}" }, selection: "id")
  list: [Item] @connect(source: "api", http: { GET: "/items/{$this.id}" }, selection: "id")
}
type Item { id: ID! }`);
    expect(problems).toEqual([
      expect.stringMatching(/\$args\.idd: Query\.item has no argument "idd"\.\n\s+at rest\.graphql:7:69$/),
      expect.stringMatching(
        /\$config\.key is not set: add it under connectors\.subgraphs\.rest\.config[^\n]*\n\s+at rest\.graphql:7:83$/,
      ),
      expect.stringMatching(/@connect on Query\.list: \$this is not available here/),
    ]);
    expect(
      problemsOf(
        `
type Query { item(id: ID!): Item @connect(source: "api", http: { GET: "/items/{$args.id}?k={$config.key}" }, selection: "id", entity: true) }
type Item { id: ID! }`,
        { key: 'secret' },
      ),
    ).toEqual([]);
  });

  it('reports selections that name fields the type does not have, or map into scalars', () => {
    const problems = problemsOf(`
type Query {
  item(id: ID!): Item @connect(source: "api", http: { GET: "/items/{$args.id}" }, selection: "id nam: name owner { id } name { first }")
}
type Owner { id: ID! }
type Item { id: ID! name: String owner: Owner }`);
    expect(problems).toEqual([
      expect.stringMatching(
        /the selection maps "nam", but Item has no field "nam"\.\n\s+at rest\.graphql:7:98$/,
      ),
      expect.stringMatching(/maps fields into "name", but Item\.name is a String, not an object type/),
    ]);
  });

  it('reports entity keys that no connector covers, at the @key', () => {
    const problems = problemsOf(`
type Item @key(fields: "id") @key(fields: "sku") @connect(source: "api", http: { GET: "/items/{$this.id}" }, selection: "id sku price") {
  id: ID!
  sku: String
  price: Int
}
type Query { first: Item @connect(source: "api", http: { GET: "/first" }, selection: "id") }`);
    expect(problems).toEqual([
      expect.stringMatching(
        /Item has @key\(fields: "sku"\), but no connector resolves Item by it[^\n]*\n\s+at rest\.graphql:6:30$/,
      ),
    ]);
  });

  it('reports malformed directives: two methods, unknown source, $batch on a field, entity on a list, @connect on Query', () => {
    const problems = problemsOf(`
type Query @connect(source: "api", http: { GET: "/q" }, selection: "x") {
  two: Item @connect(source: "api", http: { GET: "/x", POST: "/y" }, selection: "id")
  nowhere: Item @connect(source: "nope", http: { GET: "/x" }, selection: "id")
  batchy: [Item] @connect(source: "api", http: { GET: "/x/{$batch.id}" }, selection: "id", entity: true)
}
type Item { id: ID! }`);
    expect(problems.map((problem) => problem.split('\n')[0])).toEqual([
      '[rest] @connect cannot be applied to the root type Query; put it on a field.',
      '[rest] @connect on Query.two: `http` must name exactly one of GET, POST, PUT, PATCH, DELETE; it names GET and POST',
      '[rest] @connect on Query.nowhere: there is no @source named "nope" (defined: "api").',
      '[rest] @connect on Query.batchy: `entity: true` needs a field that returns one object, not Item in a list.',
      '[rest] @connect on Query.batchy: $batch is not available here; use one of $args, $config, $context, $request.',
    ]);
  });

  it('reports a $batch connector whose selection does not map the key it matches results by', () => {
    const problems = problemsOf(`
type Item @key(fields: "id") @connect(source: "api", http: { GET: "/items?ids={$batch.id->joinNotNull(',')}" }, selection: "price") {
  id: ID!
  price: Int
}
type Query { first: Item @connect(source: "api", http: { GET: "/first" }, selection: "id") }`);
    expect(problems).toEqual([
      expect.stringMatching(
        /@connect on Item: the selection must map "id": results are matched to the entities of \$batch by it\.\n\s+at rest\.graphql:6:\d+$/,
      ),
    ]);
  });

  it('refuses arguments of later connect spec versions instead of ignoring them', () => {
    const problems = problemsOf(`
type Query {
  item(id: ID!): Item @connect(source: "api", http: { GET: "/items/{$args.id}" }, selection: "id", entity: true, errors: { message: "$.error" })
}
type Item { id: ID! }`);
    expect(problems.map((problem) => problem.split('\n')[0])).toEqual([
      '[rest] @connect on Query.item: `errors` is not supported by Gatehouse',
    ]);
  });

  it('refuses a rest subgraph whose schema does not link the connect spec', () => {
    expect(() =>
      composeSupergraph([{ ...products, name: 'rest', type: 'rest', origin: 'plain.graphql' }]),
    ).toThrow(UserFacingError);
  });

  it('gives types with entity connectors and no @key the key Apollo infers, so they join other subgraphs', () => {
    const body = `
type Item @connect(source: "api", http: { GET: "/items/{$this.id}" }, selection: "id price") {
  id: ID!
  price: Int
}
type Query { placeholder: Int @connect(source: "api", http: { GET: "/p" }, selection: "$") }`;
    const supergraph = composeSupergraph([connectorSubgraph(body), products]);
    expect(supergraph).toMatch(
      /type Item\s+@join__type\(graph: PRODUCTS, key: "id"\)\s+@join__type\(graph: REST, key: "id"\)/,
    );
  });
});

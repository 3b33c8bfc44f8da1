import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startInventory } from '../../subgraphs/inventory/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';

const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-compose-connectors-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const badSchema = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])
  @source(name: "api", http: { baseURL: "http://127.0.0.1:9" })

type Item @key(fields: "sku") @connect(source: "api", http: { GET: "/items/{$this.id}" }, selection: "id sku") {
  id: ID!
  sku: String!
}

type Query {
  item(id: ID!): Item
    @connect(
      source: "api"
      http: { GET: "/items/{$args.itemId}" }
      selection: """
      id
      skew: sku
      """
    )
}
`;

describe('gatehouse compose with connector schemas', () => {
  it('reports each connector mistake with its file, line and column, and writes nothing', async () => {
    const dir = workspace({
      'things.graphql': badSchema,
      'gatehouse.yaml': 'subgraphs:\n  - name: things\n    type: rest\n    schema: things.graphql\n',
    });
    const output = join(dir, 'supergraph.graphql');
    const run = await runCli(['compose', '--config', join(dir, 'gatehouse.yaml'), '--output', output]);
    expect(run.code).toBe(1);
    const file = join(dir, 'things.graphql');
    expect(run.stderr).toContain('Composition failed with 3 error(s)');
    expect(run.stderr).toContain(
      `$args.itemId: Query.item has no argument "itemId".\n          at ${file}:15:29`,
    );
    expect(run.stderr).toContain(
      `the selection maps "skew", but Item has no field "skew".\n          at ${file}:18:7`,
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `Item has @key\\(fields: "sku"\\), but no connector resolves Item by it.*\\n\\s+at ${file}:6:11`,
      ),
    );
    expect(run.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(() => readFileSync(output)).toThrow();
  });

  it('composes the example inventory connector into an Apollo-compatible supergraph that serve --supergraph runs', async () => {
    const dir = workspace({
      'products.graphql': `extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])
interface Product @key(fields: "upc") { upc: String! price: Int! weight: Int! }
type Book implements Product @key(fields: "upc") { upc: String! price: Int! weight: Int! }
type Query { topProducts: [Product!]! }`,
      'gatehouse.yaml': `subgraphs:
  - name: products
    url: http://127.0.0.1:9/graphql
    schema: products.graphql
  - name: inventory
    type: rest
    schema: ${join(schemaDir, 'inventory.graphql')}
`,
    });
    const output = join(dir, 'supergraph.graphql');
    const run = await runCli(['compose', '--config', join(dir, 'gatehouse.yaml'), '--output', output]);
    expect(run.code, run.stderr).toBe(0);
    const supergraph = readFileSync(output, 'utf8');
    expect(supergraph).toContain('@link(url: "https://specs.apollo.dev/connect/v0.3", for: EXECUTION)');
    expect(supergraph).toContain(
      `@join__directive(graphs: [INVENTORY], name: "connect", args: {source: "inventory", http: {GET: "/inventory?upc={$batch.upc->joinNotNull(',')}"}`,
    );

    // `serve --supergraph` runs the connectors recorded in the file, against the real REST service.
    const inventory = await startInventory();
    writeFileSync(
      join(dir, 'serve.yaml'),
      `connectors:\n  subgraphs:\n    inventory:\n      sources:\n        inventory:\n          baseURL: ${inventory.url}\n`,
    );
    const cli = startCli([
      'serve',
      '--config',
      join(dir, 'serve.yaml'),
      '--supergraph',
      output,
      '--port',
      '0',
      '--workers',
      '1',
    ]);
    try {
      const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
      const response = await postGraphQL(url, {
        query: '{ stockLevel(upc: "2") { upc inStock quantity warehouse } }',
      });
      expect(response.body).toEqual({
        data: { stockLevel: { upc: '2', inStock: true, quantity: 3, warehouse: 'RNO-2' } },
      });
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
      await inventory.close();
    }
  });
});

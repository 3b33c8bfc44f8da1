import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSelection, parseTemplate } from '../../../../src/connectors/language/index.js';
import { checkOpenApi, convertOpenApi } from '../../../../src/connectors/openapi/index.js';
import { validateConnectorSchema } from '../../../../src/supergraph/validate-connector-schema.js';

const fixture = (name: string) => `test/fixtures/openapi/${name}`;
const load = (name: string) => {
  const text = readFileSync(fixture(name), 'utf8');
  return checkOpenApi(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text), fixture(name));
};
const petstore = convertOpenApi(load('petstore.yaml'), { name: 'pets' }).sdl;
const catalog = convertOpenApi(load('catalog.json'), {
  name: 'catalog',
  baseUrl: 'https://catalog.example.com/api',
}).sdl;

/** The selections of every @connect, checked against the subset of JSONSelection the generator writes. */
function selections(sdl: string): string[] {
  return [...sdl.matchAll(/selection: """\n([\s\S]*?)\n\s*"""\)/g)].map((match) => match[1] ?? '');
}

function checkSelection(selection: string): void {
  const key = String.raw`(?:[A-Za-z_][0-9A-Za-z_]*|[A-Za-z_][0-9A-Za-z_]*: "(?:[^"\\]|\\.)*")`;
  const line = new RegExp(String.raw`^(?:#.*|\$|${key}|${key} \{|\})$`);
  let depth = 0;
  for (const raw of selection.split('\n')) {
    const text = raw.trim();
    expect(text, `selection line ${JSON.stringify(text)}`).toMatch(line);
    if (text.endsWith('{') && !text.startsWith('#')) depth++;
    if (text === '}') depth--;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
}

describe('an OpenAPI 3.0 YAML document (petstore.yaml)', () => {
  it('links the federation and connect specs and declares the source from servers[0] with its variables', () => {
    expect(petstore).toContain(
      [
        'extend schema',
        '  @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])',
        '  @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])',
        '  @source(name: "pets", http: { baseURL: "https://eu.petstore.example.com/v1" })',
      ].join('\n'),
    );
  });

  it('lists the operations it did not generate at the top', () => {
    expect(petstore).toContain(
      [
        '# Not generated:',
        '#   POST /pets (createPet): only GET operations become connectors',
        '#   DELETE /pets/{petId} (deletePet): only GET operations become connectors',
        '#   GET /health (health): no 2xx application/json response',
      ].join('\n'),
    );
  });

  it('makes a connector of a GET with query params from $refs, and notes the header it does not map', () => {
    expect(petstore).toContain(
      [
        '  # header parameter "X-Request-Id" is not mapped: add it to http.headers if the API needs it',
        '  "List all pets"',
        '  listPets(',
        '    "How many pets to return (max 100)"',
        '    limit: Int',
        '    "Only pets with this status"',
        '    status: PetStatus',
        '  ): [Pet]',
        '    @connect(source: "pets", http: { GET: "/pets?limit={$args.limit}&status={$args.status}" }, selection: """',
        '    name',
        '    tag',
        '    id',
      ].join('\n'),
    );
  });

  it('names operations from their operationId (camelCase) or path, and marks entity candidates', () => {
    expect(petstore).toContain(
      [
        '  # candidate entity: add @key(fields: "id") and entity: true (rename the argument petId to id)',
        '  "Info for a specific pet"',
        '  showPetById(',
        '    "The id of the pet"',
        '    petId: String!',
        '  ): Pet',
        '    @connect(source: "pets", http: { GET: "/pets/{$args.petId}" }, selection: """',
      ].join('\n'),
    );
    expect(petstore).toContain('  petsOwnerByPetId(petId: String!): Owner\n');
    expect(petstore).not.toMatch(/candidate entity[^\n]*\n[^\n]*\n\s+petsOwnerByPetId/);
  });

  it('merges allOf, maps scalars, ids, enums, nested objects, oneOf and deprecation', () => {
    expect(petstore).toContain(
      [
        '"A pet in the store"',
        'type Pet {',
        '  name: String!',
        '  tag: String',
        '  id: ID!',
        '  status: PetStatus',
        '  "When the pet was born"',
        '  dateOfBirth: String',
        '  weight: Float',
        '  neutered: Boolean',
        '  tags: [String]',
        '  owner: Owner',
        '  collar: PetCollar',
        '  # oneOf in OpenAPI: mapped to JSON; make it a type for the shape you need',
        '  shape: JSON',
        '  legacyCode: String @deprecated',
        '}',
      ].join('\n'),
    );
    expect(petstore).toContain('type Owner {\n  id: ID!\n  name: String!\n  pets: [Pet]\n}');
    expect(petstore).toContain('type PetCollar {\n  colour: String\n  size: PetCollarSize\n}');
    expect(petstore).toContain('enum PetCollarSize {\n  S\n  M\n  L\n}');
    expect(petstore).toContain('scalar JSON');
  });

  it('makes enum values valid GraphQL names and says which were renamed', () => {
    expect(petstore).toContain(
      [
        '# values renamed to be valid GraphQL: "in-stock" → in_stock, "1st-class" → _1st_class',
        '# the API still returns the original strings: map them in the selection (e.g. with ->match) before use',
        '"Where the pet is in the shop"',
        'enum PetStatus {',
        '  available',
        '  pending',
        '  sold',
        '  in_stock',
        '  _1st_class',
        '}',
      ].join('\n'),
    );
  });

  it('names inline response types from the operation, maps int64 to Float and renames bad property names', () => {
    expect(petstore).toContain(
      'type GetStatsResponse {\n  total: Float!\n  byStatus: GetStatsResponseByStatus\n}',
    );
    expect(petstore).toContain(
      [
        '  getStats: GetStatsResponse',
        '    @connect(source: "pets", http: { GET: "/stats" }, selection: """',
        '    total',
        '    byStatus: "by-status" {',
        '      available',
        '      sold',
        '    }',
        '    """)',
      ].join('\n'),
    );
  });

  it('selects nested objects and stops at a cycle with a comment', () => {
    expect(petstore).toContain(
      [
        '    owner {',
        '      id',
        '      name',
        '      pets {',
        '        # Owner.pets: Pet repeats (a cycle), so only its scalar fields are selected',
        '        name',
      ].join('\n'),
    );
    expect(petstore).toContain('    dateOfBirth: "date-of-birth"\n');
  });
});

describe('an OpenAPI 3.1 JSON document (catalog.json)', () => {
  it('uses --base-url, renames bad argument names and encodes query keys', () => {
    expect(catalog).toContain(
      '@source(name: "catalog", http: { baseURL: "https://catalog.example.com/api" })',
    );
    expect(catalog).toContain(
      '  getCategory(categoryId: Int!, include_children: Boolean!): Category\n' +
        '    @connect(source: "catalog", http: { GET: "/categories/{$args.categoryId}?include_children={$args.include_children}" }, selection: """',
    );
    expect(catalog).toContain(
      '  listProducts(pageSize: Int): ListProductsResponse\n' +
        '    @connect(source: "catalog", http: { GET: "/products?page%5Bsize%5D={$args.pageSize}" }, selection: """',
    );
  });

  it('prints multi-line descriptions as block strings', () => {
    expect(catalog).toContain('  """\n  One category,\n  with its parent chain.\n  """\n  getCategory(');
  });

  it('handles type arrays with null, anyOf with null, self-references and free-form objects', () => {
    expect(catalog).toContain(
      [
        'type Category {',
        '  id: ID!',
        '  name: String!',
        '  parent: Category',
        '  # free-form object in OpenAPI: mapped to JSON',
        '  attributes: JSON',
        '}',
      ].join('\n'),
    );
    expect(catalog).toContain('type ListProductsResponse {\n  items: [Product]\n  next: String\n}');
    expect(catalog).toContain(
      '    parent {\n      # Category.parent: Category repeats (a cycle), so only its scalar fields are selected\n      id\n',
    );
  });

  it('renames properties that are not GraphQL names, in the type and in the selection', () => {
    expect(catalog).toContain('  type: String\n  _2ndName: String\n');
    expect(catalog).toContain('    type: "@type"\n    _2ndName: "2nd-name"\n');
  });

  it('keeps Query field names unique and selects a scalar response whole', () => {
    expect(catalog).toContain(
      '  # candidate entity: add @key(fields: "sku") and entity: true\n  productsBySku(sku: String!): Product',
    );
    expect(catalog).toContain(
      '  listProducts2(sku: String!): Float\n' +
        '    @connect(source: "catalog", http: { GET: "/products/{$args.sku}/price" }, selection: """\n    $\n    """)',
    );
  });
  it('stops selecting at the depth limit, keeps list query parameters out of the URL, and adds undeclared path parameters', () => {
    expect(catalog).toContain(
      [
        '  # argument tags is not in the URL: query parameter "tags" is a list or object, add it in the form the API expects',
        '  # path parameter "warehouseId" is not declared in the document: argument warehouseId is a String',
        '  listBins(tags: [String], warehouseId: String!): ListBinsResponse',
        '    @connect(source: "catalog", http: { GET: "/warehouses/{$args.warehouseId}/bins" }, selection: """',
      ].join('\n'),
    );
    expect(catalog).toContain(
      [
        '            next {',
        '              # ListBinsResponseNextNextNextNext.next: deeper than 5 levels, so only its scalar fields are selected',
        '              name',
        '            }',
      ].join('\n'),
    );
  });
});

describe('the generated schemas', () => {
  it("have valid selections and URL templates (also by the gateway's connectors parser), parse, and compose", () => {
    for (const sdl of [petstore, catalog]) {
      const found = selections(sdl);
      expect(found.length).toBeGreaterThan(3);
      for (const selection of found) {
        checkSelection(selection);
        expect(() => parseSelection(selection)).not.toThrow();
      }
      for (const [, url] of sdl.matchAll(/http: \{ GET: "([^"]*)" \}/g)) {
        expect(() => parseTemplate(url ?? '')).not.toThrow();
      }
      expect(() => validateConnectorSchema(sdl, 'test')).not.toThrow();
    }
  });
});

describe('documents that cannot be converted', () => {
  const openapi = (extra: Record<string, unknown>) =>
    checkOpenApi({ openapi: '3.0.3', info: { title: 't', version: '1' }, ...extra }, 'x.yaml');

  it('refuses Swagger 2.0, non-OpenAPI documents, other versions and missing paths', () => {
    expect(() => load('swagger2.yaml')).toThrow(/is a Swagger 2\.0 document; only OpenAPI 3\.0 and 3\.1/);
    expect(() => checkOpenApi({ hello: 'world' }, 'x.yaml')).toThrow(
      /x\.yaml is not an OpenAPI document: it has no `openapi`/,
    );
    expect(() => checkOpenApi([1, 2], 'x.yaml')).toThrow(/not an OpenAPI document: expected a mapping/);
    expect(() => checkOpenApi({ openapi: '4.0.0', paths: {} }, 'x.yaml')).toThrow(
      /OpenAPI 4\.0\.0; only OpenAPI 3\.0 and 3\.1/,
    );
    expect(() => openapi({})).toThrow(/x\.yaml has no `paths`/);
  });

  it('refuses $refs to other files and $refs that point at nothing, naming where they are', () => {
    const withRef = (ref: string) =>
      openapi({
        servers: [{ url: 'https://api.example.com' }],
        paths: {
          '/a': {
            get: {
              responses: {
                '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } },
              },
            },
          },
        },
      });
    expect(() => convertOpenApi(withRef('common.yaml#/components/schemas/A'), { name: 'a' })).toThrow(
      /the \$ref "common\.yaml#\/components\/schemas\/A" at paths\.\/a\.get\.responses\.200 points to another file/,
    );
    expect(() => convertOpenApi(withRef('#/components/schemas/Nope'), { name: 'a' })).toThrow(
      /the \$ref "#\/components\/schemas\/Nope" at paths\.\/a\.get\.responses\.200 points at nothing/,
    );
  });

  it('needs an absolute base URL, a valid source name and at least one GET with a JSON response', () => {
    const doc = openapi({ paths: { '/a': { post: { responses: {} } } } });
    expect(() => convertOpenApi(load('catalog.json'), { name: 'c' })).toThrow(
      /The base URL "\/api" is not an absolute http\(s\) URL \(from servers\[0\]\.url\): pass --base-url/,
    );
    expect(() => convertOpenApi(doc, { name: 'bad name', baseUrl: 'https://x' })).toThrow(
      /is not a valid source name/,
    );
    expect(() => convertOpenApi(doc, { name: 'a', baseUrl: 'https://x' })).toThrow(
      /has no GET operation with a JSON 2xx response/,
    );
  });
});

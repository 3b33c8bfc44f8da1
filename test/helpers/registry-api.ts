import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { registerRegistryApi } from '../../src/registry/http-api.js';
import { createRegistry } from '../../src/registry/service.js';
import type { Registry } from '../../src/registry/types.js';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.js';
import { testSchema } from './postgres.js';

/** Subgraph schemas for registry tests: products, then versions of it that add, break or clash. */
const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';
export const SDL = {
  products: `${FEDERATION}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String! price: Float }
`,
  /** Adds a field: safe. */
  productsWithStock: `${FEDERATION}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String! price: Float inStock: Boolean }
`,
  /** Removes `Product.price`: breaking. */
  productsWithoutPrice: `${FEDERATION}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String! }
`,
  /** Removes `Product.name`: breaking. */
  productsWithoutName: `${FEDERATION}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! price: Float }
`,
  reviews: `${FEDERATION}
type Query { reviews: [Review!]! }
type Review { id: ID! body: String! product: Product }
type Product @key(fields: "id") { id: ID! reviewCount: Int }
`,
  /** `Product.name` as an Int while products says String!: does not compose (line 3). */
  clashing: `${FEDERATION}
type Query { topProduct: Product }
type Product @key(fields: "id") { id: ID! name: Int }
`,
  /** Not GraphQL: a parse error on line 2. */
  broken: `${FEDERATION}
type Query { products: [Product!]! 
type Product {
`,
};

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: Engine[] = ['sqlite', 'postgres'];

export const TOKENS = [
  { name: 'ci', token: 'ci-token-0123456789abcdef' },
  { name: 'alice', token: 'alice-token-0123456789abcdef' },
];

/** A store of its own on one engine: a SQLite file in a temp dir, or a fresh PostgreSQL schema. */
export interface TestStoreConfig {
  config: StoreConfig;
  cleanup(): Promise<void>;
}

export function testStoreConfig(engine: Engine): TestStoreConfig {
  if (engine === 'postgres') {
    const schema = testSchema('gatehouse_registry');
    return { config: schema.store, cleanup: () => schema.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-'));
  return {
    config: { sqlite: join(dir, 'registry.db') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RegistryServer {
  url: string;
  app: FastifyInstance;
  registry: Registry;
  store: Store;
  close(): Promise<void>;
}

/** The registry API on a real HTTP server on loopback, over its own store. */
export async function startRegistryServer(
  storeConfig: StoreConfig,
  options: { readsNeedToken?: boolean; maxSchemaBytes?: number; stages?: string[] } = {},
): Promise<RegistryServer> {
  const store = await openStore(storeConfig);
  const maxSchemaBytes = options.maxSchemaBytes ?? 4_194_304;
  const registry = createRegistry({
    repository: store.registry,
    stages: options.stages ?? ['dev', 'test', 'prod'],
    usageWindowDays: 30,
    maxSchemaBytes,
  });
  const app = Fastify();
  await registerRegistryApi(app, {
    registry,
    tokens: TOKENS,
    readsNeedToken: options.readsNeedToken ?? false,
    maxSchemaBytes,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    registry,
    store,
    async close() {
      await app.close();
      await registry.close();
      await store.close();
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** One call to the API as any HTTP client would make it. */
export async function callApi(
  base: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await request(`${base}/registry/v1${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

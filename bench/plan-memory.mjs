#!/usr/bin/env node
// What a cached query plan weighs: `node --expose-gc bench/plan-memory.mjs`, after `npm run build:ts`.
//
// Runs distinct operations of several shapes and sizes once each through Gatehouse's executor (so
// that each plan is compiled and cached with its schedule and generated shaping code), against
// subgraphs that answer nothing, and compares the heap they keep (heapUsed after a full GC, before and
// after) with the plan cache's estimate (src/execution/plan/plan-bytes.ts). The estimate should be above
// the measure for every row. SHAPES=flat,entity and SIZES=10,1000 pick rows.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib/util.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc');
  process.exit(2);
}
const require = createRequire(join(ROOT, 'package.json'));
const { composeServices } = require('@apollo/composition');
const { Supergraph } = require('@apollo/federation-internals');
const { Kind, parse } = require('graphql');
const load = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const { GatehouseExecution } = await load('src/execution/executor.js');
const { readBenchFile } = await load('bench/subgraphs/workload.js');

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';
const composed = composeServices([
  {
    name: 'a',
    url: 'http://a/graphql',
    typeDefs: parse(`${link}
      type Query { hello: String n(x: Int): Int echo(s: String): String users: [User] }
      type User @key(fields: "id") { id: ID! name: String friends: [User] }`),
  },
  {
    name: 'b',
    url: 'http://b/graphql',
    typeDefs: parse(`${link}\ntype User @key(fields: "id") { id: ID! age: Int }`),
  },
]);
if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));

/** Distinct operation number `k` of a shape, with `n` aliased fields (or fetches, for `fetches`). */
const many = (n, line) => Array.from({ length: n }, (_, i) => line(i)).join(' ');
const shapes = {
  flat: (n, k) => `query Q${k} { ${many(n, (i) => `f${k}_${i}: hello`)} }`,
  variables: (n, k) => `query Q${k}($v: Int) { ${many(n, (i) => `f${k}_${i}: n(x: $v)`)} }`,
  entity: (n, k) => `query Q${k} { users { id ${many(n, (i) => `f${k}_${i}: age g${i}: name`)} } }`,
  nested: (n, k) =>
    `query Q${k} { users { ${many(n / 4, (i) => `f${k}_${i}: friends { id name friends { name } }`)} } }`,
  fetches: (n, k) => `query Q${k} { ${many(n / 8, (i) => `f${k}_${i}: users { age }`)} }`,
  fragments: (n, k) =>
    `query Q${k} { ${many(n / 4, (i) => `f${k}_${i}: users { ...U }`)} } fragment U on User { id name age }`,
  literals: (n, k) =>
    `query Q${k} { ${many(n / 8, (i) => `f${k}_${i}: echo(s: "${String(i).padEnd(200, '.')}")`)} }`,
  longKeys: (n, k) => `query Q${k} { ${many(n / 2, (i) => `${`f${k}_${i}_`.padEnd(60, 'x')}: hello`)} }`,
  conditions: (n, k) =>
    `query Q${k}($c: Boolean!, $d: Boolean!) { users { ${many(n / 2, (i) => `f${k}_${i}: age @include(if: $c) g${k}_${i}: name @skip(if: $d)`)} } }`,
};

function executionFor(sdl) {
  const execution = new GatehouseExecution({
    apolloExecutor: async () => ({ errors: [new Error('not expected')] }),
    source: () => ({ fetchRaw: async () => ({ data: {} }) }),
    queryPlanCacheBytes: Number.MAX_SAFE_INTEGER,
    maxCachedPlanBytes: Number.MAX_SAFE_INTEGER,
    exposeQueryPlans: false,
    onStateError: (error) => {
      throw error;
    },
    onApolloPlan: (reason) => console.error(`falls back to Apollo: ${reason}`),
  });
  const apiSchema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  execution.onSchemaLoadOrUpdate({ apiSchema, coreSupergraphSdl: sdl });
  return execution;
}

let hash = 0;
async function run(execution, query, variables = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const result = await execution.execute({
    queryHash: `hash ${hash++}`,
    request: { query, variables },
    document,
    operation,
    context: {},
  });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
}

const gc = () => {
  globalThis.gc();
  globalThis.gc();
};

/** Runs `queries` once each and reports what they keep per plan, measured and estimated. */
async function measure(label, execution, queries, variables) {
  const textBytes = queries[0].length;
  const count = queries.length;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const estimateBefore = execution.cachedPlans.bytes;
  for (const query of queries) await run(execution, query, variables);
  queries.length = 0;
  gc();
  const measured = (process.memoryUsage().heapUsed - heapBefore) / count;
  const estimated = (execution.cachedPlans.bytes - estimateBefore) / count;
  const row = { ...label, textBytes, count };
  Object.assign(row, {
    measuredKiB: Math.round(measured / 1024),
    estimatedKiB: Math.round(estimated / 1024),
  });
  row.ratio = +(estimated / measured).toFixed(2);
  console.log(JSON.stringify(row));
}

const execution = executionFor(composed.supergraphSdl);
await run(execution, '{ hello users { id age } }');
const selectedShapes = (process.env.SHAPES ?? Object.keys(shapes).join(',')).split(',');
const sizes = (process.env.SIZES ?? '8,100,1000,8000').split(',').map(Number);
for (const shape of selectedShapes) {
  for (const n of sizes) {
    const count = Math.max(3, Math.min(100, Math.round(4000 / n)));
    const queries = Array.from({ length: count }, (_, k) => shapes[shape](n, hash + k));
    const variables = shape === 'conditions' ? { c: true, d: false } : { v: 1 };
    await measure({ shape, fields: n }, execution, queries, variables);
  }
}

// The benchmark's query, renamed to make it distinct, against the benchmark's supergraph.
const bench = executionFor(readBenchFile('supergraph.graphql'));
const benchQuery = readBenchFile('query.graphql');
await run(bench, benchQuery);
const renamed = Array.from({ length: 100 }, (_, k) => benchQuery.replace('TestQuery', `TestQuery${k}`));
await measure({ shape: 'benchmark query', fields: 0 }, bench, renamed, {});

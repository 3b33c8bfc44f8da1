import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createRegistry } from '../../src/registry/service.js';
import { openStore } from '../../src/store/index.js';

/**
 * Two processes publishing to one SQLite file at once: `BEGIN IMMEDIATE` serialises them, so every
 * publish lands as its own version. Runs the built code (npm run build:ts) in separate processes.
 */

const PUBLISHER = `
const [storeUrl, serviceUrl, file, prefix, count] = process.argv.slice(2);
const { openStore } = await import(storeUrl);
const { createRegistry } = await import(serviceUrl);
const store = await openStore({ sqlite: file });
const registry = createRegistry({ repository: store.registry, stages: ['dev'], usageWindowDays: 30, maxSchemaBytes: 1e6 });
const sdl = (field) =>
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])\\ntype Query { ' + field + ': Int }';
const outcomes = await Promise.all(
  Array.from({ length: Number(count) }, (_, index) =>
    registry.publish({ stage: 'dev', name: prefix + index, url: 'http://' + prefix + index + '.test/', sdl: sdl(prefix + index) }, prefix),
  ),
);
console.log(JSON.stringify(outcomes.map((outcome) => outcome.status)));
await registry.close();
await store.close();
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-processes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function publishFromProcess(file: string, prefix: string, count: number): Promise<string[]> {
  const script = join(dir, 'publish.mjs');
  writeFileSync(script, PUBLISHER);
  const child = spawn(
    process.execPath,
    [
      script,
      pathToFileURL(resolve('dist/src/store/index.js')).href,
      pathToFileURL(resolve('dist/src/registry/service.js')).href,
      file,
      prefix,
      String(count),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as string[];
}

it('serialises publishes from two processes on one SQLite file', async () => {
  const file = join(dir, 'registry.db');
  // Migrate first, so both processes open a ready file.
  await (await openStore({ sqlite: file })).close();
  const [first, second] = await Promise.all([
    publishFromProcess(file, 'alpha', 8),
    publishFromProcess(file, 'beta', 8),
  ]);
  expect([...first, ...second]).toEqual(Array(16).fill('created'));
  const store = await openStore({ sqlite: file });
  const registry = createRegistry({
    repository: store.registry,
    stages: ['dev'],
    usageWindowDays: 30,
    maxSchemaBytes: 1e6,
  });
  try {
    const history = await registry.history('dev', 100);
    expect(history.map((version) => version.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, index) => index + 1),
    );
    expect(await registry.subgraphs('dev')).toHaveLength(16);
  } finally {
    await registry.close();
    await store.close();
  }
}, 60_000);

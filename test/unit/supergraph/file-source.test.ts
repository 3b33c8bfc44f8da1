import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/supergraph/file-source.js';
import { supergraphHash, type FetchedSupergraph } from '../../../src/supergraph/source.js';

const sources: FileSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
});

function setUp(watch: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-source-'));
  const path = join(dir, 'supergraph.graphql');
  writeFileSync(path, 'one');
  const source = new FileSource({ path, watch, debounceMs: 30 });
  sources.push(source);
  const delivered: FetchedSupergraph[] = [];
  const failures: Error[] = [];
  return {
    dir,
    path,
    source,
    delivered,
    failures,
    listener: {
      supergraph: (fetched: FetchedSupergraph) => delivered.push(fetched),
      failed: (error: Error) => failures.push(error),
    },
  };
}

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('the file supergraph source', () => {
  it('loads the file, then delivers each change by content, including atomic renames', async () => {
    const { dir, path, source, delivered, listener } = setUp(true);
    expect(await source.load()).toEqual({ sdl: 'one', hash: supergraphHash('one') });
    source.follow(listener);

    writeFileSync(path, 'two');
    await until(() => delivered.length === 1);
    expect(delivered[0]).toEqual({ sdl: 'two', hash: supergraphHash('two') });

    // An editor's save: write a temporary file, rename it over the watched one.
    const temporary = join(dir, '.supergraph.graphql.swp');
    writeFileSync(temporary, 'three');
    renameSync(temporary, path);
    await until(() => delivered.length === 2);
    expect(delivered[1]?.sdl).toBe('three');

    // Touched with the same content: nothing to deliver.
    writeFileSync(path, 'three');
    await settle();
    expect(delivered).toHaveLength(2);
  });

  it('reports a file that disappears, and delivers it again when it comes back', async () => {
    const { path, source, delivered, failures, listener } = setUp(true);
    await source.load();
    source.follow(listener);
    rmSync(path);
    await until(() => failures.length === 1);
    expect(failures[0]?.message).toBe(`Cannot read the supergraph from ${path}: ENOENT`);
    writeFileSync(path, 'one');
    await until(() => delivered.length === 1);
    expect(delivered[0]?.sdl).toBe('one');
  });

  it('coalesces a burst of writes into one read', async () => {
    const { path, source, delivered, listener } = setUp(true);
    await source.load();
    source.follow(listener);
    for (let index = 0; index < 20; index++) writeFileSync(path, `version ${index}`);
    await until(() => delivered.length >= 1);
    await settle();
    expect(delivered.map((fetched) => fetched.sdl)).toEqual(['version 19']);
  });

  it('without watch, only a reload reads the file; a reload delivers even when unchanged', async () => {
    const { path, source, delivered, listener } = setUp(false);
    await source.load();
    source.follow(listener);
    writeFileSync(path, 'two');
    await settle();
    expect(delivered).toHaveLength(0);
    await source.reload();
    expect(delivered.map((fetched) => fetched.sdl)).toEqual(['two']);
    await source.reload();
    expect(delivered.map((fetched) => fetched.sdl)).toEqual(['two', 'two']);
  });

  it('fails to load a missing file with its path', async () => {
    const source = new FileSource({ path: '/nonexistent/supergraph.graphql', watch: false });
    await expect(source.load()).rejects.toThrow(
      'Cannot read the supergraph from /nonexistent/supergraph.graphql: ENOENT',
    );
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this module with Gatehouse's package.json. Works from
 * `bench/subgraphs` (tests, tsx) and from `dist/bench/subgraphs` (the build).
 */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'gatehouse') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No Gatehouse package.json above ${from}`);
    dir = parent;
  }
}

/** The shared workload folder: $BENCH_SHARED_DIR, or `../shared/bench` from the repository root. */
export function sharedBenchDir(): string {
  const fromEnv = process.env['BENCH_SHARED_DIR'];
  return fromEnv ? resolve(fromEnv) : resolve(findRepoRoot(), '..', 'shared', 'bench');
}

export type BenchWorkloadFile = 'supergraph.graphql' | 'query.graphql' | 'expected.json';

export function readBenchFile(file: BenchWorkloadFile): string {
  return readFileSync(join(sharedBenchDir(), file), 'utf8');
}

const JOIN_GRAPH = /@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"[^"]*"\s*\)/g;

/**
 * The supergraph SDL with each `@join__graph(name, url)` pointed at `urls[name]`. Throws when a graph of the
 * supergraph has no URL, or a URL names no graph.
 */
export function supergraphWithUrls(sdl: string, urls: Readonly<Record<string, string>>): string {
  const seen = new Set<string>();
  const result = sdl.replace(JOIN_GRAPH, (_match, name: string) => {
    const url = urls[name];
    if (url === undefined) throw new Error(`No URL given for subgraph "${name}" of the supergraph`);
    seen.add(name);
    return `@join__graph(name: ${JSON.stringify(name)}, url: ${JSON.stringify(url)})`;
  });
  const unknown = Object.keys(urls).filter((name) => !seen.has(name));
  if (unknown.length > 0) throw new Error(`The supergraph has no subgraph named ${unknown.join(', ')}`);
  return result;
}

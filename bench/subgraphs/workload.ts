import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * The folder that holds the workload: `bench/` of the repository. `supergraph.graphql` and `query.graphql`
 * are the public benchmark's files; `expected.json` is made by `node bench/generate-expected.mjs`.
 */
export function benchWorkloadDir(): string {
  return join(findRepoRoot(), 'bench');
}

export type BenchWorkloadFile = 'supergraph.graphql' | 'query.graphql' | 'expected.json';

export function readBenchFile(file: BenchWorkloadFile): string {
  return readFileSync(join(benchWorkloadDir(), file), 'utf8');
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

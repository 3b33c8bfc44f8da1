import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Apollo's federation packages are released together, and four of them are not MIT but Elastic-2.0 (the
// README's Licence section). They are pinned to one exact version, so that an upgrade moves them all at once
// and is a deliberate edit that the README and the lockfile follow.

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Manifest {
  license?: string;
  dependencies?: Record<string, string>;
}
interface Lockfile {
  packages: Record<string, { version?: string; license?: string; dependencies?: Record<string, string> }>;
}

/** The packages under the Elastic License 2.0 that Gatehouse depends on directly. */
const ELASTIC = [
  '@apollo/gateway',
  '@apollo/composition',
  '@apollo/query-planner',
  '@apollo/federation-internals',
] as const;
/** Released with them, from the same repository and at the same version (under MIT). */
const FEDERATION = [...ELASTIC, '@apollo/subgraph'] as const;

const EXACT = /^\d+\.\d+\.\d+$/;

/** What is wrong with the pins of FEDERATION in `dependencies`; empty when they are one exact version. */
function pinProblems(dependencies: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const name of FEDERATION) {
    const range = dependencies[name];
    if (range === undefined) problems.push(`${name} is not a dependency`);
    else if (!EXACT.test(range)) problems.push(`${name} is "${range}", not an exact version`);
  }
  const versions = new Set(FEDERATION.map((name) => dependencies[name]));
  if (versions.size > 1) problems.push(`they are not one version: ${[...versions].join(', ')}`);
  return problems;
}

const manifest = JSON.parse(read('package.json')) as Manifest;
const lockfile = JSON.parse(read('package-lock.json')) as Lockfile;
const dependencies = manifest.dependencies ?? {};
const pinned = dependencies['@apollo/gateway'] ?? '';

describe('the Apollo federation packages', () => {
  it('are pinned to one exact version', () => {
    expect(pinProblems(dependencies)).toEqual([]);
  });

  it('would fail the check with a range or with two versions', () => {
    const pins = Object.fromEntries(FEDERATION.map((name) => [name, '2.14.4']));
    expect(pinProblems(pins)).toEqual([]);
    expect(pinProblems({ ...pins, '@apollo/gateway': '^2.14.4' })).toEqual([
      '@apollo/gateway is "^2.14.4", not an exact version',
      'they are not one version: ^2.14.4, 2.14.4',
    ]);
    expect(pinProblems({ ...pins, '@apollo/query-planner': '2.15.0' })).toEqual([
      'they are not one version: 2.14.4, 2.15.0',
    ]);
  });

  it('are locked at that version, with the package.json ranges', () => {
    const locked = lockfile.packages[''];
    for (const name of FEDERATION) {
      expect(locked?.dependencies?.[name], `package-lock.json's range for ${name}`).toBe(pinned);
      expect(lockfile.packages[`node_modules/${name}`]?.version, `the locked ${name}`).toBe(pinned);
    }
  });

  it('are described by the README: the pinned version and the Elastic-2.0 ones', () => {
    const readme = read('README.md');
    const licence = readme.slice(readme.indexOf('\n## Licence\n'));
    expect(licence).toContain(`\`${pinned}\``);
    for (const name of ELASTIC) {
      expect(lockfile.packages[`node_modules/${name}`]?.license, name).toBe('Elastic-2.0');
      expect(licence).toContain(`\`${name}\``);
    }
    expect(licence).toContain('`Elastic-2.0`');
  });
});

describe("Gatehouse's own licence", () => {
  it('is the MIT licence of package.json, in LICENSE', () => {
    expect(manifest.license).toBe('MIT');
    const text = read('LICENSE');
    expect(text.startsWith('MIT License\n\nCopyright (c) 2026 The Gatehouse authors\n')).toBe(true);
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });
});

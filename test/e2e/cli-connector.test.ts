import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-connector-'));
const petstore = resolve('test/fixtures/openapi/petstore.yaml');

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function expectCleanFailure(run: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
}

describe('gatehouse connector from-openapi', () => {
  it('documents its flags in --help', async () => {
    const help = await runCli(['connector', 'from-openapi', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['<spec>', '--name', '--out', '--force', '--base-url'])
      expect(help.stdout).toContain(flag);
    expect((await runCli(['--help'])).stdout).toContain('connector');
  });

  it('prints the connectors schema to stdout', async () => {
    const run = await runCli(['connector', 'from-openapi', petstore, '--name', 'pets']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '@source(name: "pets", http: { baseURL: "https://eu.petstore.example.com/v1" })',
    );
    expect(run.stdout).toContain(
      '    @connect(source: "pets", http: { GET: "/pets/{$args.petId}" }, selection: """',
    );
    expect(run.stdout).toContain('#   POST /pets (createPet): only GET operations become connectors');
  });

  it('writes --out, refuses to overwrite it, and overwrites with --force', async () => {
    const out = join(dir, 'nested', 'pets.graphql');
    const args = ['connector', 'from-openapi', petstore, '--name', 'pets', '--out', out];
    const first = await runCli([...args, '--base-url', 'https://pets.example.com']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `Wrote 4 connectors and 7 types to ${out}; 3 operations not generated (listed at the top)\n`,
    );
    expect(readFileSync(out, 'utf8')).toContain('http: { baseURL: "https://pets.example.com" }');

    expectCleanFailure(await runCli(args), /already exists: pass --force to overwrite it/);
    expect(readFileSync(out, 'utf8')).toContain('https://pets.example.com');

    expect((await runCli([...args, '--force'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('https://eu.petstore.example.com/v1');
  });

  it('fails cleanly on a missing file, invalid YAML or JSON, and a Swagger 2 document', async () => {
    const from = (file: string) => runCli(['connector', 'from-openapi', file, '--name', 'x']);
    expectCleanFailure(
      await from(join(dir, 'missing.yaml')),
      /Cannot read OpenAPI document .*missing\.yaml: ENOENT/,
    );
    expectCleanFailure(
      await from(write('broken.yaml', 'openapi: 3.0.3\npaths: [1,\n  b: 2\n')),
      /broken\.yaml is not valid YAML:\n {2}- .* at line \d+, column \d+/,
    );
    expectCleanFailure(
      await from(write('broken.json', '{ "openapi": "3.1.0",\n  "paths": { }\n  "x": 1 }')),
      /broken\.json is not valid JSON:\n {2}- .* at line 3, column \d+/,
    );
    expectCleanFailure(
      await from(resolve('test/fixtures/openapi/swagger2.yaml')),
      /swagger2\.yaml is a Swagger 2\.0 document; only OpenAPI 3\.0 and 3\.1 are supported\.\n {2}- Convert it/,
    );
    expectCleanFailure(
      await from(write('no-paths.yaml', 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n')),
      /has no `paths`/,
    );
    expect(existsSync(join(dir, 'x.graphql'))).toBe(false);
  });

  it('requires --name', async () => {
    const run = await runCli(['connector', 'from-openapi', petstore]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/required option '-n, --name <name>' not specified/);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
const federation = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('gatehouse --help and --version', () => {
  it('prints the commands and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['dev', 'serve', 'compose']) expect(help.stdout).toContain(command);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const serveHelp = await runCli(['serve', '--help']);
    for (const flag of ['--config', '--supergraph', '--port', '--host', '--stage'])
      expect(serveHelp.stdout).toContain(flag);
  });

  it('rejects an unknown command', async () => {
    const run = await runCli(['nope']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unknown command 'nope'/);
  });
});

describe('a bad configuration', () => {
  it('exits 1 before starting, naming each bad field', async () => {
    const config = write(
      'bad.yaml',
      'server:\n  port: lots\n  colour: blue\nsubgraphs:\n  - name: a\n    url: not a url\n',
    );
    const run = await runCli(['serve', '--config', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`gatehouse: Invalid ${config} (stage "dev"):`);
    expect(run.stderr).toContain('server.port: expected an integer');
    expect(run.stderr).toContain('server.colour: unknown key');
    expect(run.stderr).toContain('subgraphs[0].url: expected an http(s) URL');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 on YAML syntax errors, a missing file or no config at all', async () => {
    const broken = await runCli(['serve', '--config', write('broken.yaml', 'server: [1,\n')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not valid YAML/);
    const missing = await runCli(['serve', '--config', join(dir, 'missing.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read config file .*missing\.yaml: ENOENT/);
    const none = await runCli(['serve'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No configuration: pass --config FILE or --supergraph FILE/);
  });

  it('reports an unset environment variable with its field', async () => {
    const config = write('env.yaml', 'server:\n  port: ${env:GATEHOUSE_TEST_UNSET_PORT}\n');
    const run = await runCli(['serve', '--config', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('server.port: environment variable GATEHOUSE_TEST_UNSET_PORT is not set');
  });
});

describe('gatehouse compose', () => {
  it('writes the supergraph of subgraphs that compose', async () => {
    const users = write(
      'users.graphql',
      `${federation}\ntype Query { me: User }\ntype User @key(fields: "id") { id: ID! name: String }`,
    );
    const posts = write(
      'posts.graphql',
      `${federation}\ntype User @key(fields: "id") { id: ID! posts: [String] }`,
    );
    const config = write(
      'good.yaml',
      `subgraphs:\n  - { name: users, url: "http://users:4001/graphql", schema: ${users} }\n  - { name: posts, url: "http://posts:4002/graphql", schema: ${posts} }\n`,
    );
    const output = join(dir, 'out', 'supergraph.graphql');
    const run = await runCli(['compose', '--config', config, '--output', output]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const supergraph = readFileSync(output, 'utf8');
    expect(supergraph).toContain('@join__graph(name: "posts", url: "http://posts:4002/graphql")');
    expect(supergraph).toMatch(/type User[\s\S]*posts: \[String\]/);
  });

  it('prints every composition error with its subgraph and location, exits 1 and writes nothing', async () => {
    const a = write('a.graphql', `${federation}\ntype Query {\n  hello: String\n}`);
    const b = write('b.graphql', `${federation}\ntype Query {\n  hello: Int\n}`);
    const c = write('c.graphql', `type Query {\n  broken(: String\n}`);
    const config = write(
      'conflict.yaml',
      `subgraphs:\n  - { name: a, url: "http://a/graphql", schema: ${a} }\n  - { name: b, url: "http://b/graphql", schema: ${b} }\n`,
    );
    const output = join(dir, 'never.graphql');
    const run = await runCli(['compose', '--config', config, '--output', output]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Composition failed with \d+ error\(s\)/);
    expect(run.stderr).toMatch(/Query\.hello/);
    expect(run.stderr).toContain(`${a}:3:3`);
    expect(run.stderr).toContain(`${b}:3:3`);
    expect(() => readFileSync(output)).toThrow();

    const syntax = write(
      'syntax.yaml',
      `subgraphs:\n  - { name: c, url: "http://c/graphql", schema: ${c} }\n`,
    );
    const parseRun = await runCli(['compose', '--config', syntax, '--output', output]);
    expect(parseRun.code).toBe(1);
    expect(parseRun.stderr).toContain(`[c] Syntax Error`);
    expect(parseRun.stderr).toContain(`${c}:2:10`);
  });

  it('makes serve exit 1 when the configured subgraphs do not compose', async () => {
    for (const workers of ['1', '2']) {
      const run = await runCli([
        'serve',
        '--config',
        join(dir, 'conflict.yaml'),
        '--port',
        '0',
        '--workers',
        workers,
      ]);
      expect(run.code, `--workers ${workers}`).toBe(1);
      expect(run.stderr).toMatch(/Composition failed/);
    }
  });
});

describe('gatehouse serve --supergraph', () => {
  let slow: RunningService;
  beforeAll(async () => {
    slow = await serveSubgraph({
      name: 'slow',
      typeDefs: parse(`${federation}\ntype Query { slow(ms: Int!): String fast: String }`),
      resolvers: {
        Query: {
          slow: async (_: unknown, { ms }: { ms: number }) => {
            await new Promise((resolve) => setTimeout(resolve, ms));
            return 'done';
          },
          fast: () => 'fast',
        },
      },
    });
  });
  afterAll(() => slow?.close());

  it('serves a composed supergraph and, on SIGTERM, finishes in-flight requests and exits 0', async () => {
    const config = write('slow.yaml', `subgraphs:\n  - { name: slow, url: "${slow.url}" }\n`);
    const supergraph = join(dir, 'slow-supergraph.graphql');
    expect((await runCli(['compose', '--config', config, '--output', supergraph])).code).toBe(0);

    // One worker: the gateway runs in a child process with the heap flags, which must pass SIGTERM on.
    const cli = startCli([
      'serve',
      '--supergraph',
      supergraph,
      '--port',
      '0',
      '--stage',
      'prod',
      '--workers',
      '1',
    ]);
    const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect((await postGraphQL(url, { query: '{ fast }' })).body).toEqual({ data: { fast: 'fast' } });
    const inFlight = postGraphQL(url, { query: '{ slow(ms: 700) }' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exit = cli.stop('SIGTERM');
    const response = await inFlight;
    expect(response).toMatchObject({ status: 200, body: { data: { slow: 'done' } } });
    expect(await exit).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
    const log = cli.output().stdout;
    expect(log).toMatch(/"operationName":null|"path":"\/graphql"/);
  });

  it('runs one worker in a child process with the heap flags, which stops when its parent dies', async () => {
    const supergraph = join(dir, 'slow-supergraph.graphql');
    const cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--workers', '1']);
    const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    const [gateway, ...others] = childrenOf(cli.child.pid ?? 0);
    expect(others).toEqual([]);
    expect(commandLineOf(gateway ?? 0)).toEqual(
      expect.arrayContaining(['--max-semi-space-size=32', 'serve']),
    );
    expect((await postGraphQL(url, { query: '{ fast }' })).body).toEqual({ data: { fast: 'fast' } });
    expect(await cli.stop('SIGKILL')).toBe(null);
    await expect
      .poll(
        async () =>
          fetch(url).then(
            () => 'served',
            () => 'gone',
          ),
        { timeout: 15_000 },
      )
      .toBe('gone');

    // Heap flags of the operator's own: one process, no child.
    const own = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--workers', '1'], {
      env: { NODE_OPTIONS: '--max-semi-space-size=16' },
    });
    await own.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(childrenOf(own.child.pid ?? 0)).toEqual([]);
    expect(await own.stop('SIGTERM')).toBe(0);
  });

  it('hides introspection and the sandbox in prod by default', async () => {
    const supergraph = join(dir, 'slow-supergraph.graphql');
    const cli = startCli(['serve', '--supergraph', supergraph, '--port', '0', '--stage', 'prod']);
    try {
      const url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
      const introspection = await postGraphQL(url, { query: '{ __schema { types { name } } }' });
      expect(introspection.status).toBe(403);
      expect(JSON.stringify(introspection.body)).toMatch(/INTROSPECTION_DISABLED/);
      expect((await fetch(url.replace('/graphql', '/sandbox/'))).status).toBe(404);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});

function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';
import { runCli, startCli, type CliProcess } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { postGraphQL } from '../helpers/gateway.js';

// `gatehouse config validate|schema`, stage rules, the GATEHOUSE_* variables and a taken port, as an
// operator meets them: the built CLI in a child process (run `npm run build:ts` first).

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-config-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** No GATEHOUSE_* of the machine running the tests leaks into a run. */
const clean = { GATEHOUSE_CONFIG: '', GATEHOUSE_STAGE: '', GATEHOUSE_PORT: '', GATEHOUSE_WORKERS: '' };

let accounts: RunningService;
let supergraph: string;
beforeAll(async () => {
  accounts = await serveSubgraph(accountsSubgraph);
  const sdl = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
  supergraph = write(
    'supergraph.graphql',
    composeSupergraph([{ name: 'accounts', url: accounts.url, sdl, origin: 'accounts' }]),
  );
});
afterAll(async () => {
  await accounts?.close();
  rmSync(dir, { recursive: true, force: true });
});

function listening(port = 0): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function stopped(cli: CliProcess): Promise<void> {
  await cli.stop();
}

describe('gatehouse config validate', () => {
  const config = () =>
    write(
      'stages.yaml',
      [
        'supergraph: supergraph.graphql',
        'stages:',
        '  dev:',
        '    exposeQueryPlans: true',
        '  prod:',
        '    exposeQueryPlans: true',
        '    server:',
        '      port: eighty',
        '  live:',
        '    production: true',
        '',
      ].join('\n'),
    );

  it('exits 1 on a bad prod overlay, naming each field, while the dev stage alone is valid', async () => {
    const file = config();
    const all = await runCli(['config', 'validate', '--config', file], { env: clean });
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`${file}:\n`);
    expect(all.stdout).toMatch(/^ {2}dev +valid$/m);
    expect(all.stdout).toMatch(/^ {2}test +valid$/m);
    expect(all.stdout).toMatch(/^ {2}prod +invalid\n {4}- server\.port: expected an integer$/m);
    expect(all.stdout).toMatch(/^ {2}live +valid \(production\)$/m);
    expect(all.stdout).toContain('1 of 4 stages is invalid.');

    const dev = await runCli(['config', 'validate', '--config', file, '--stage', 'dev'], { env: clean });
    expect([dev.code, dev.stderr]).toEqual([0, '']);
    expect(dev.stdout).toContain('The stage is valid.');

    // Fixed port, the plans are the next problem: never in a production stage.
    writeFileSync(file, readFileSync(file, 'utf8').replace('port: eighty', 'port: 8080'));
    const prod = await runCli(['config', 'validate', '--stage', 'prod'], {
      env: { ...clean, GATEHOUSE_CONFIG: file },
    });
    expect(prod.code).toBe(1);
    expect(prod.stdout).toMatch(/- exposeQueryPlans: query plans are never answered in a production stage/);
  });

  it('hints at ${env:X} for a Router-style ${env.X}', async () => {
    const file = write('router-style.yaml', 'server:\n  port: ${env.PORT}\n');
    const run = await runCli(['config', 'validate', '--config', file, '--stage', 'dev'], { env: clean });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '- server.port: "${env.PORT}" is Apollo Router\'s syntax; Gatehouse reads `${env:PORT}` (a colon, not a dot)',
    );
  });

  it('refuses an unknown stage with the known ones, in validate and in serve', async () => {
    const file = config();
    const validate = await runCli(['config', 'validate', '--config', file, '--stage', 'prdo'], {
      env: clean,
    });
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(
      `- Unknown stage "prdo" (from --stage) in ${file}: known stages are dev, test, prod, production, live.`,
    );
    const serve = await runCli(['serve', '--config', file], {
      env: { ...clean, GATEHOUSE_STAGE: 'staging' },
    });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(
      `gatehouse: Unknown stage "staging" (from GATEHOUSE_STAGE) in ${file}: known stages are dev, test, prod, production, live.`,
    );
    expect(serve.stderr).toContain('declare it in');
    expect(serve.stderr).not.toContain('unexpected error');
  });
});

describe('gatehouse config schema', () => {
  let validate: ValidateFunction;
  beforeAll(async () => {
    const run = await runCli(['config', 'schema']);
    expect(run.code).toBe(0);
    // Strict: the schema itself must use only keywords that JSON Schema (draft-07) defines.
    const ajv = new Ajv({ allErrors: true, strict: true, formats: { uri: (value) => URL.canParse(value) } });
    validate = ajv.compile(JSON.parse(run.stdout) as object);
  });
  const errorsOf = (document: unknown) =>
    validate(document)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);

  it('accepts the example configs, ${env:…} references included', () => {
    for (const file of ['schema/gatehouse.yaml', 'deploy/gatehouse.compose.yaml']) {
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('${env:');
      expect(errorsOf(parse(text)), file).toEqual([]);
    }
  });

  it('rejects what the loader rejects: wrong types, unknown keys, in the file and in stage overlays', () => {
    const example = parse(readFileSync('schema/gatehouse.yaml', 'utf8')) as Record<string, unknown>;
    expect(errorsOf({ ...example, server: { port: 'eighty', colour: 'blue' } })).toEqual(
      expect.arrayContaining([
        '/server must NOT have additional properties',
        '/server/port must be integer',
        '/server/port must match a schema in anyOf',
      ]),
    );
    expect(errorsOf({ stages: { prod: { prodution: true } } })).toEqual([
      '/stages/prod must NOT have additional properties',
    ]);
    expect(errorsOf({ stages: { live: { production: true, logging: { level: 'loud' } } } })).toContain(
      '/stages/live/logging/level must be equal to one of the allowed values',
    );
    // An overlay sets only what differs: nothing in a mapping is required there.
    expect(errorsOf({ stages: { prod: { cors: { credentials: true } } } })).toEqual([]);
    expect(errorsOf({ cors: { credentials: true } })).toContain(
      "/cors must have required property 'origins'",
    );
  });
});

describe('GATEHOUSE_* environment variables', () => {
  it('configure `serve` without flags: config, stage, host, port, workers and log level', async () => {
    const port = await freePort();
    const file = write('env.yaml', `supergraph: ${supergraph}\nstages:\n  live:\n    production: true\n`);
    const cli = startCli(['serve'], {
      env: {
        GATEHOUSE_CONFIG: file,
        GATEHOUSE_STAGE: 'live',
        GATEHOUSE_HOST: '127.0.0.1',
        GATEHOUSE_PORT: String(port),
        GATEHOUSE_WORKERS: '2',
        GATEHOUSE_LOG_LEVEL: 'warn',
      },
    });
    try {
      await cli.waitFor(
        new RegExp(`\\(stage live, 2 workers\\) serving GraphQL at http://127\\.0\\.0\\.1:${port}/graphql`),
        60_000,
      );
      const answer = await postGraphQL(`http://127.0.0.1:${port}/graphql`, { query: '{ me { id } }' });
      expect(answer.body).toEqual({ data: { me: { id: '1' } } });
      // A production stage: no sandbox.
      expect((await fetch(`http://127.0.0.1:${port}/sandbox`)).status).toBe(404);
      // warn: not even Fastify's "Server listening" (info) reaches stdout.
      expect(cli.output().stdout).not.toContain('"level":30');
    } finally {
      await stopped(cli);
    }
  }, 90_000);

  it('lose to flags', async () => {
    const [envPort, flagPort] = [await freePort(), await freePort()];
    const cli = startCli(['serve', '--port', String(flagPort), '--workers', '1', '--stage', 'test'], {
      env: {
        ...clean,
        GATEHOUSE_SUPERGRAPH: supergraph,
        GATEHOUSE_STAGE: 'prod',
        GATEHOUSE_PORT: String(envPort),
        GATEHOUSE_WORKERS: '3',
        GATEHOUSE_LOG_LEVEL: 'info',
      },
    });
    try {
      await cli.waitFor(
        new RegExp(`\\(stage test, 1 worker\\) serving GraphQL at http://127\\.0\\.0\\.1:${flagPort}/`),
        60_000,
      );
      // The sandbox line is written after the serving line, possibly in a chunk of its own.
      await cli.waitFor(new RegExp(`Sandbox: http://127\\.0\\.0\\.1:${flagPort}/sandbox`));
      await cli.waitFor(/"level":30.*Server listening/);
    } finally {
      await stopped(cli);
    }
  }, 90_000);

  it('name the variable when a value is wrong', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ GATEHOUSE_PORT: 'abc' }, 'GATEHOUSE_PORT: expected a port number from 0 to 65535, got "abc"'],
      [
        { GATEHOUSE_WORKERS: '0' },
        'GATEHOUSE_WORKERS: expected a number of worker processes from 1 to 256, got "0"',
      ],
      [
        { GATEHOUSE_LOG_LEVEL: 'verbose' },
        'GATEHOUSE_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      ],
      [
        { GATEHOUSE_CONFIG: join(dir, 'nope.yaml') },
        `GATEHOUSE_CONFIG names ${join(dir, 'nope.yaml')}, which does not exist`,
      ],
    ];
    for (const [env, message] of cases) {
      const run = await runCli(['serve'], { env: { ...clean, GATEHOUSE_SUPERGRAPH: supergraph, ...env } });
      expect([run.code, run.stderr]).toEqual([1, `gatehouse: ${message}\n`]);
    }
  });
});

describe('a port already in use', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = await listening();
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((done) => taken.close(done)));

  it('stops `serve` with exit code 2 and says which port, with one process or several workers', async () => {
    for (const workers of ['1', '2']) {
      const run = await runCli(['serve', '--supergraph', supergraph, '--workers', workers], {
        env: { ...clean, GATEHOUSE_PORT: String(port) },
      });
      expect(run.stderr, `--workers ${workers}`).toBe(
        `gatehouse: Port ${port} on 127.0.0.1 is already in use: stop what listens there, or choose another port (--port, GATEHOUSE_PORT or server.port).\n`,
      );
      expect(run.code, `--workers ${workers}`).toBe(2);
    }
  }, 90_000);
});

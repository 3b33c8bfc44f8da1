import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { runCli, startCli, type CliProcess, type CliRun } from '../helpers/cli.js';
import { postGraphQL, type GraphQLHttpResponse } from '../helpers/gateway.js';
import { TOKENS } from '../helpers/registry-api.js';

/*
 * Trusted documents as a team ships them: CI pushes each client's manifest with `gatehouse safelist
 * push`, and gateways with `security.trustedDocuments: { mode: enforce, registry: true }` serve
 * exactly those operations, by id or by text, and pick up a later push without a restart. Once with
 * the registry embedded in the gateway, once with a `gatehouse registry` process the gateway follows.
 */

const TOKEN = TOKENS[0]?.token ?? '';
const ME = 'query Me { me { id name } }';
const USERS = 'query Users { users { id } }';
const USER = 'query User($id: ID!) { user(id: $id) { name } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Apollo's generator names an operation by the SHA-256 of its text. */
const apolloManifest = (...bodies: string[]) =>
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map((body) => ({
      id: sha256(body),
      name: /query (\w+)/.exec(body)?.[1],
      type: 'query',
      body,
    })),
  });

const errorCode = (response: GraphQLHttpResponse) =>
  (response.body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
const data = (response: GraphQLHttpResponse) => (response.body as { data?: unknown }).data;

describe.each(['embedded', 'followed'] as const)('gatehouse safelist push to a %s registry', (setup) => {
  let dir: string;
  let accounts: RunningService;
  const processes: CliProcess[] = [];
  let registryUrl: string;
  let graphqlUrl: string;
  let logGraphqlUrl: string;

  const gatehouse = (args: string[]): Promise<CliRun> =>
    runCli(args, { cwd: dir, env: { GATEHOUSE_REGISTRY_URL: registryUrl, GATEHOUSE_REGISTRY_TOKEN: TOKEN } });
  const expectFailure = (run: CliRun, message: RegExp) => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };
  const start = async (args: string[], ready: RegExp) => {
    const cli = startCli(args);
    processes.push(cli);
    return (await cli.waitFor(ready, 30_000)).replace(/^(listening on|serving GraphQL at) /, '');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `gatehouse-cli-safelist-${setup}-`));
    accounts = await serveSubgraph(accountsSubgraph);
    const common = [
      'stage: dev',
      'logging: { level: warn }',
      'registry:',
      '  tokens:',
      ...TOKENS.map(({ name, token }) => `    - { name: ${name}, token: ${token} }`),
    ];
    const protection = ['security:', '  trustedDocuments: { mode: enforce, registry: true }'];
    if (setup === 'embedded') {
      writeFileSync(
        join(dir, 'gatehouse.yaml'),
        [
          ...common,
          '  embedded: true',
          'store: { sqlite: gatehouse.db }',
          ...protection,
          'subgraphs:',
          `  - { name: accounts, url: "${accounts.url}" }`,
        ].join('\n'),
      );
      graphqlUrl = await start(
        ['serve', '--config', join(dir, 'gatehouse.yaml'), '--port', '0', '--workers', '1'],
        /serving GraphQL at http:\/\/127\.0\.0\.1:\d+\/graphql/,
      );
      registryUrl = graphqlUrl.replace(/\/graphql$/, '');
    } else {
      writeFileSync(join(dir, 'registry.yaml'), [...common, 'store: { sqlite: registry.db }'].join('\n'));
      registryUrl = await start(
        ['registry', '--config', join(dir, 'registry.yaml'), '--port', '0'],
        /listening on http:\/\/127\.0\.0\.1:\d+/,
      );
      const published = await gatehouse([
        'subgraph',
        'publish',
        '--stage',
        'dev',
        '--name',
        'accounts',
        '--url',
        accounts.url,
        '--introspect',
      ]);
      expect(published.code, published.stderr).toBe(0);
      writeFileSync(
        join(dir, 'gateway.yaml'),
        [
          'stage: dev',
          'logging: { level: warn }',
          `supergraph: { registry: "${registryUrl}", stage: dev, token: ${TOKEN} }`,
          ...protection,
        ].join('\n'),
      );
      graphqlUrl = await start(
        ['serve', '--config', join(dir, 'gateway.yaml'), '--port', '0', '--workers', '1'],
        /serving GraphQL at http:\/\/127\.0\.0\.1:\d+\/graphql/,
      );
      // A second gateway of the stage rolls the safelist out in `log` mode.
      writeFileSync(
        join(dir, 'gateway-log.yaml'),
        [
          'stage: dev',
          'logging: { level: warn }',
          `supergraph: { registry: "${registryUrl}", stage: dev, token: ${TOKEN} }`,
          'security:',
          '  trustedDocuments: { mode: log, registry: true }',
        ].join('\n'),
      );
      logGraphqlUrl = await start(
        ['serve', '--config', join(dir, 'gateway-log.yaml'), '--port', '0', '--workers', '1'],
        /serving GraphQL at http:\/\/127\.0\.0\.1:\d+\/graphql/,
      );
    }
  });

  afterAll(async () => {
    for (const cli of processes.reverse()) expect(await cli.stop('SIGTERM')).toBe(0);
    await accounts?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'serves pushed operations by id and by text, refuses others, and picks up a later push without a restart',
    { timeout: 60_000 },
    async () => {
      // Nothing pushed yet: enforce refuses everything.
      const before = await postGraphQL(graphqlUrl, { query: ME });
      expect(before.status).toBe(403);
      expect(errorCode(before)).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

      writeFileSync(join(dir, 'web.json'), apolloManifest(ME, USERS));
      const pushWeb = () =>
        gatehouse([
          'safelist',
          'push',
          'web.json',
          '--client',
          'web',
          '--version',
          '1.4.0',
          '--stage',
          'dev',
        ]);
      const pushed = await pushWeb();
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stdout).toMatch(
        /^Stage dev, client web 1\.4\.0: 2 operations from web\.json \(Apollo's format\): 2 added, 0 already there; the safelist has 2\.$/m,
      );
      expect(pushed.stdout).toContain(`+ ${sha256(ME)}  Me`);

      await expect
        .poll(async () => (await postGraphQL(graphqlUrl, { query: ME })).status, { timeout: 5_000 })
        .toBe(200);
      const byText = await postGraphQL(graphqlUrl, { query: ME });
      expect(data(byText)).toMatchObject({ me: { id: expect.any(String) } });
      const byHash = await postGraphQL(graphqlUrl, {
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(USERS) } },
      });
      expect(byHash.status).toBe(200);
      expect(data(byHash)).toMatchObject({ users: expect.any(Array) });

      const unknown = await postGraphQL(graphqlUrl, { query: USER, variables: { id: '1' } });
      expect(unknown.status).toBe(403);
      expect(errorCode(unknown)).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');

      // A Relay client, pushed while the gateway runs: its id is no hash the gateway could compute.
      writeFileSync(join(dir, 'ios.json'), JSON.stringify({ 'ios-user-7f3a': USER }));
      const relay = await gatehouse(['safelist', 'push', 'ios.json', '--client', 'ios', '--stage', 'dev']);
      expect(relay.code, relay.stderr).toBe(0);
      expect(relay.stdout).toMatch(
        /^Stage dev, client ios: 1 operation from ios\.json \(Relay's format\): 1 added/m,
      );
      const askByDocumentId = () =>
        postGraphQL(graphqlUrl, JSON.stringify({ documentId: 'ios-user-7f3a', variables: { id: '1' } }));
      await expect.poll(async () => (await askByDocumentId()).status, { timeout: 5_000 }).toBe(200);
      const byDocumentId = await askByDocumentId();
      expect(data(byDocumentId)).toMatchObject({ user: { name: expect.any(String) } });
      expect((await postGraphQL(graphqlUrl, { query: USER, variables: { id: '1' } })).status).toBe(200);

      // The same manifest pushed again adds nothing.
      const again = await pushWeb();
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/0 added, 2 already there; the safelist has 3\./);

      const listed = await gatehouse(['safelist', 'list', '--stage', 'dev', '--format', 'json']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject({
        revision: 3,
        documents: [
          { clientName: 'web', clientVersion: '1.4.0', pushedBy: 'ci' },
          { clientName: 'web', clientVersion: '1.4.0', pushedBy: 'ci' },
          { id: 'ios-user-7f3a', clientName: 'ios', clientVersion: null, pushedBy: 'ci' },
        ],
      });
      const text = await gatehouse(['safelist', 'list', '--stage', 'dev', '--client', 'ios']);
      expect(text.stdout).toMatch(
        /^Stage dev: 1 trusted operation of client ios \(of 3\)\.\n {2}ios-user-7f3a {2}User {2}ios {2}by ci at /,
      );
    },
  );

  it.runIf(setup === 'followed')(
    'in log mode serves operations not pushed, and logs each with its client, while pushed ids resolve',
    { timeout: 30_000 },
    async () => {
      const logGateway = processes.at(-1);
      const unknown = await postGraphQL(
        logGraphqlUrl,
        { query: 'query NotPushed { users { name } }' },
        { 'apollographql-client-name': 'legacy-app', 'apollographql-client-version': '0.9' },
      );
      expect(unknown.status).toBe(200);
      expect(data(unknown)).toMatchObject({ users: expect.any(Array) });
      const warnings = () =>
        (logGateway?.output().stdout ?? '')
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { msg: string; clientName?: string; clientVersion?: string });
      await expect
        .poll(() => warnings().find((line) => line.msg.includes('NotPushed')), { timeout: 5_000 })
        .toMatchObject({
          clientName: 'legacy-app',
          clientVersion: '0.9',
          msg: 'trusted documents: the operation "NotPushed" from client "legacy-app" "0.9" is not a trusted document (served: mode is log)',
        });
      // Ids pushed to the registry resolve in log mode too.
      const byHash = await postGraphQL(logGraphqlUrl, {
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(ME) } },
      });
      expect(byHash.status).toBe(200);
      expect(data(byHash)).toMatchObject({ me: { id: expect.any(String) } });
    },
  );

  it('refuses a bad manifest file and a reused id with exit 1 and a clear message, storing nothing', async () => {
    const push = (file: string) => gatehouse(['safelist', 'push', file, '--stage', 'dev']);
    expectFailure(await push('missing.json'), /^gatehouse: Cannot read the manifest missing\.json: ENOENT$/m);
    writeFileSync(join(dir, 'broken.json'), '{ "a": ');
    expectFailure(await push('broken.json'), /^gatehouse: The manifest broken\.json is not JSON: /m);
    writeFileSync(join(dir, 'odd.json'), JSON.stringify({ a: 'query {' }));
    expectFailure(
      await push('odd.json'),
      /^gatehouse: The manifest odd\.json cannot be pushed:\n {2}- "a": the text is not a GraphQL operation: Syntax Error/m,
    );
    writeFileSync(join(dir, 'reused.json'), JSON.stringify({ 'ios-user-7f3a': USERS, 'fresh-op': ME }));
    expectFailure(
      await push('reused.json'),
      /^gatehouse: Stage "dev" already has "ios-user-7f3a" with a different operation text\. An id is a hash of the operation's text/m,
    );
    expectFailure(
      await gatehouse(['safelist', 'push', 'web.json']),
      /^gatehouse: No stage: pass --stage STAGE \(e\.g\. prod\) or set GATEHOUSE_STAGE\.$/m,
    );
    const listed = await gatehouse(['safelist', 'list', '--stage', 'dev', '--format', 'json']);
    expect(
      (JSON.parse(listed.stdout) as { documents: { id: string }[] }).documents.map((d) => d.id),
    ).not.toContain('fresh-op');
  });
});

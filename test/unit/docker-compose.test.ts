import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { GatehouseConfig } from '../../src/config/load.js';
import {
  argvOf,
  CLI,
  dockerfile,
  envOf,
  exists,
  finalStage,
  flagValue,
  gatewayNames,
  loadServiceConfig,
  read,
  registryNames,
  root,
  runs,
  services,
  stageArgs,
  type Service,
  type Services,
} from '../helpers/compose-file.js';

// Docker does not run here, so docker-compose.yml, the Dockerfile and deploy/ are checked against the code;
// the checks that return problems are also fed broken copies, to show that they can fail.
// The observability services (collector, Jaeger, Prometheus, Grafana): docker-compose-observability.test.ts.

const nginxConf = read('deploy/nginx.conf');

/** The final stage's ENV, `ENV A=1 B=2` over continuation lines. */
const imageEnv = () =>
  Object.fromEntries(
    stageArgs('ENV').flatMap((args) =>
      [...args.matchAll(/(\w+)=(\S+)/g)].map(([, key, value]) => [key, value]),
    ),
  ) as Record<string, string | undefined>;

/** A server answering 200 on /health, and a port nothing listens on. */
async function healthServer() {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(request.url === '/health' ? 200 : 404).end('{"status":"ok"}');
  });
  const closed = createServer();
  await Promise.all([server, closed].map((s) => new Promise<void>((done) => s.listen(0, '127.0.0.1', done))));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  return {
    paths,
    port: (server.address() as AddressInfo).port,
    closedPort,
    [Symbol.asyncDispose]: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const configs = new Map<string, GatehouseConfig>(); // filled by beforeAll
const registryConfigs = new Map<string, GatehouseConfig>(); // filled by beforeAll
/** Each gateway's config file, as written (before `${env:…}` is replaced). */
const configFiles = new Map<string, { path: string; text: string }>(); // filled by beforeAll
/** The port a service listens on inside its container. */
const listenPort = (s: Services, name: string) =>
  configs.get(name)?.server.port ?? registryConfigs.get(name)?.registry.port ?? Number(envOf(s[name]).PORT);

/** Each gateway follows a registry service, on the port it listens on, once it is healthy. */
function registryProblems(s: Services): string[] {
  return gatewayNames(s).flatMap((gateway) => {
    const url = flagValue(argvOf(s[gateway] ?? {}), '--registry');
    if (url === undefined) return [`${gateway} does not follow a registry`];
    const { hostname, port } = new URL(url);
    if (!registryNames(s).includes(hostname))
      return [`${gateway} follows ${hostname}, which runs no registry`];
    return [
      Number(port) !== listenPort(s, hostname) &&
        `${gateway} follows ${hostname}:${port}, but ${hostname} listens on ${listenPort(s, hostname)}`,
      s[gateway]?.depends_on?.[hostname]?.condition !== 'service_healthy' &&
        `${gateway} does not wait for ${hostname} to be healthy`,
      envOf(s[gateway]).GATEHOUSE_REGISTRY_TOKEN !== envOf(s[hostname]).GATEHOUSE_REGISTRY_TOKEN &&
        `${gateway} and ${hostname} are given different GATEHOUSE_REGISTRY_TOKEN values`,
    ].filter((problem) => problem !== false);
  });
}

function dependencyProblems(s: Services): string[] {
  return Object.entries(s).flatMap(([name, service]) =>
    Object.entries(service.depends_on ?? {}).flatMap(([target, { condition }]) => {
      if (s[target] === undefined) return [`${name} depends on unknown service ${target}`];
      if (condition === 'service_healthy' && s[target].healthcheck?.test === undefined)
        return [`${name} waits for ${target} to be healthy, but ${target} has no healthcheck`];
      return [];
    }),
  );
}

function cliProblems(s: Services): string[] {
  const commands = buildProgram().commands;
  return runs(s).flatMap(([name, argv]) => {
    if (!argv.includes(CLI)) return [];
    const [subcommand, ...args] = argv.slice(argv.indexOf(CLI) + 1);
    const command = commands.find((candidate) => candidate.name() === subcommand);
    if (command === undefined) return [`${name} runs "gatehouse ${subcommand}", which does not exist`];
    const flags = command.options.flatMap((option) => [option.long, option.short]);
    return args
      .filter((arg) => arg.startsWith('-'))
      .map((arg) => arg.split('=')[0] ?? arg)
      .filter((flag) => !flags.includes(flag))
      .map((flag) => `${name} passes ${flag}, which "gatehouse ${subcommand}" does not accept`);
  });
}

/** Where a gateway reaches each subgraph: its URL, or for a REST subgraph its sources' base URLs. */
function subgraphTargets(config: GatehouseConfig): { name: string; url: string | undefined }[] {
  return config.subgraphs.flatMap(({ name, url, type }) => {
    if (type === 'graphql') return [{ name, url }];
    const sources = Object.values(config.connectors.subgraphs[name]?.sources ?? {});
    // Without an override the schema's own baseURL (127.0.0.1) would point inside the gateway's container.
    return sources.length === 0
      ? [{ name, url: undefined }]
      : sources.map((source) => ({ name, url: source.baseURL }));
  });
}

function subgraphProblems(s: Services): string[] {
  return [...configs].flatMap(([gateway, config]) =>
    subgraphTargets(config).flatMap(({ name, url }) => {
      if (url === undefined)
        return [`${gateway}: REST subgraph ${name} has no sources.*.baseURL for compose`];
      const { hostname, port } = new URL(url);
      const env = envOf(s[hostname]);
      const waits = s[gateway]?.depends_on?.[hostname]?.condition === 'service_healthy';
      return [
        Number(port) !== listenPort(s, hostname) &&
          `${gateway}: ${name} is at ${hostname}:${port}, but ${hostname} has PORT=${env.PORT}`,
        env.HOST !== '0.0.0.0' && `${hostname} does not listen on 0.0.0.0, so ${gateway} cannot reach it`,
        !waits && `${gateway} does not wait for ${hostname} to be healthy`,
      ].filter((problem) => problem !== false);
    }),
  );
}

/** The variables the code reads itself (`process.env.GATEHOUSE_DEBUG`, `env.GATEHOUSE_STAGE`). */
const readByCode = new Set(
  readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...read(`src/${file}`).matchAll(/\benv\.(GATEHOUSE_\w+)|['"`](GATEHOUSE_\w+)['"`]/g)].map(
        ([, property, literal]) => property ?? literal,
      ),
    ),
);

/** GATEHOUSE_* variables given to a gateway that neither its config file nor the code reads. */
function unreadEnvProblems(s: Services): string[] {
  return [...configFiles].flatMap(([gateway, { path, text }]) =>
    Object.keys(envOf(s[gateway]))
      .filter((name) => name.startsWith('GATEHOUSE_'))
      .filter((name) => !text.includes(`\${env:${name}`) && !readByCode.has(name))
      .map((name) => `${gateway} is given ${name}, which neither ${path} nor the code reads`),
  );
}

/** The servers of the upstream nginx proxies to must be the gateway services, on their ports. */
function nginxProblems(s: Services, conf: string): string[] {
  const text = conf.replace(/#.*$/gm, '');
  const upstream = /\bproxy_pass\s+http:\/\/([\w-]+)/.exec(text)?.[1];
  const body = new RegExp(`\\bupstream\\s+${upstream}\\s*\\{([^}]*)\\}`).exec(text)?.[1] ?? '';
  const servers = [...body.matchAll(/^\s*server\s+(\S+:\d+)/gm)].map(([, server]) => server).sort();
  const gateways = gatewayNames(s).map((name) => `${name}:${listenPort(s, name)}`);
  if (servers.join() === gateways.sort().join()) return [];
  return [`nginx proxies to ${servers.join(', ')}, not ${gateways.join(', ')}`];
}

beforeAll(async () => {
  for (const name of gatewayNames(services)) {
    const { path, text, config } = await loadServiceConfig(name);
    configs.set(name, config);
    configFiles.set(name, { path, text });
  }
  for (const name of registryNames(services))
    registryConfigs.set(name, (await loadServiceConfig(name)).config);
});

describe('docker-compose.yml, the Dockerfile and deploy/', () => {
  it('depends only on services that exist, and waits for health only where there is a healthcheck', () => {
    expect(dependencyProblems(services)).toEqual([]);
  });

  it('runs dist files that tsconfig.build.json compiles from existing sources', () => {
    const { include } = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    for (const [name, argv] of runs(services)) {
      const files = argv.filter((arg) => /^dist\/.+\.js$/.test(arg));
      if (name === 'Dockerfile' || services[name]?.build !== undefined) expect(files, name).not.toEqual([]);
      for (const source of files.map((file) => file.replace(/^dist\/(.+)\.js$/, '$1.ts'))) {
        const compiled = exists(source) && include.some((dir) => source.startsWith(`${dir}/`));
        expect(compiled, `${name}: ${source} exists and is compiled`).toBe(true);
      }
    }
  });

  it('uses only subcommands and flags the CLI defines', () => {
    expect(cliProblems(services)).toEqual([]);
  });

  it('references files that exist, and config files that the image contains', () => {
    const copied = stageArgs('COPY').flatMap((args) =>
      args.includes('--from') ? [] : args.split(/\s+/).slice(0, -1),
    );
    for (const [name, argv] of runs(services)) {
      for (const path of [flagValue(argv, '--config'), flagValue(argv, '--supergraph')]) {
        if (path === undefined) continue;
        const inImage = copied.some((src) => path === src || path.startsWith(`${src.replace(/\/$/, '')}/`));
        expect(exists(path) && inImage, `${name}: ${path} exists and is in the image`).toBe(true);
      }
    }
    const mounted = Object.values(services).flatMap((service) => service.volumes ?? []);
    for (const source of mounted.map((volume) => volume.split(':')[0] ?? '').filter((v) => v.startsWith('.')))
      expect(exists(source), `mounted ${source}`).toBe(true);
  });

  it('gives two gateways a config that the real loader accepts', () => {
    expect([...configs.keys()]).toEqual(['gateway-1', 'gateway-2']);
    for (const config of configs.values()) {
      expect([config.stage, config.server.host]).toEqual(['prod', '0.0.0.0']);
      expect(config.subgraphs.map((subgraph) => subgraph.name)).toEqual([
        'accounts',
        'products',
        'reviews',
        'inventory',
      ]);
      // The image copies schema/; connector schemas must come from there.
      for (const { schema } of config.subgraphs.filter((subgraph) => subgraph.type === 'rest')) {
        expect(schema?.startsWith(join(root, 'schema/')), schema).toBe(true);
        expect(exists(schema?.slice(root.length) ?? 'none'), schema).toBe(true);
      }
    }
  });

  it('points the gateway config at the compose services, on the ports they listen on', () => {
    expect(subgraphProblems(services)).toEqual([]);
  });

  it('runs a registry on the shared PostgreSQL that seeds stage prod and that both gateways follow', () => {
    expect(registryProblems(services)).toEqual([]);
    expect([...registryConfigs.keys()]).toEqual(['registry']);
    for (const config of registryConfigs.values()) {
      expect(config.stage).toBe('prod');
      expect(config.registry.stages).toContain('prod');
      expect(config.registry.tokens.map((token) => token.name)).toEqual(['compose']);
      expect(config.subgraphs.map((subgraph) => subgraph.name)).toHaveLength(4);
      expect(new URL(config.store.postgres ?? 'unset:').host).toBe('postgres:5432');
    }
    expect(services.registry?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('balances nginx over exactly the gateway services', () => {
    expect(nginxProblems(services, nginxConf)).toEqual([]);
  });

  it('gives every app service a node healthcheck (the image has no curl) on the port it listens on', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined) continue;
      const test = service.healthcheck?.test ?? [];
      expect(test.slice(0, 2), name).toEqual(['CMD', 'node']);
      const [, port, path] = /http:\/\/127\.0\.0\.1:(\d+)(\/[^'"]*)/.exec(test.join(' ')) ?? [];
      expect(Number(port), name).toBe(listenPort(services, name));
      if (configs.has(name)) expect(path, name).toBe('/ready');
    }
  });

  it("keeps the gateways' API keys in the postgres service, so both replicas share them", () => {
    expect(services.postgres?.image).toMatch(/^postgres:/);
    for (const [name, config] of configs) {
      expect(config.auth.apiKeys, name).toBeDefined();
      const database = new URL(config.store.postgres ?? 'unset:');
      expect(`${database.protocol}//${database.host}${database.pathname}`, name).toBe(
        `postgres://postgres:5432/${envOf(services.postgres).POSTGRES_DB ?? 'postgres'}`,
      );
      expect(services[name]?.depends_on?.postgres?.condition, name).toBe('service_healthy');
    }
  });

  it('keeps persisted queries and traffic counters in the redis service, shared by both replicas', () => {
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    for (const [name, config] of configs) {
      expect(config.security.apq.store, name).toBe('redis');
      // Counted in Redis, so the replicas together let through at most each quota.
      expect(config.traffic.store, name).toBe('redis');
      expect(Object.keys(config.traffic.plans).length, name).toBeGreaterThan(0);
      expect(new URL(config.redis?.url ?? 'unset:').host, name).toBe('redis:6379');
      expect(services[name]?.depends_on?.redis?.condition, name).toBe('service_healthy');
    }
  });

  it('gives the gateways only GATEHOUSE_* variables that their config or the code reads', () => {
    expect(unreadEnvProblems(services)).toEqual([]);
  });

  it('builds the image in stages and runs it as a non-root user', () => {
    expect(dockerfile.match(/^FROM\s/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(stageArgs('COPY').some((args) => /--from=\S+\s+\S*\/dist\b/.test(args))).toBe(true);
    expect(['root', '0', undefined]).not.toContain(stageArgs('USER').at(-1));
  });

  it('installs dependencies once: the build stage prunes the dev ones, the image copies them', () => {
    const buildStages = dockerfile.slice(0, dockerfile.length - finalStage.length);
    expect(buildStages).toMatch(/\bnpm prune --omit=dev\b/);
    expect(finalStage).not.toMatch(/\bnpm (ci|install|i)\b/);
    expect(stageArgs('COPY')).toContainEqual(expect.stringMatching(/^--from=\S+\s+\S*\/node_modules\s/));
  });

  it('listens on 0.0.0.0 and keeps the embedded stores in a data volume its user can write', () => {
    const env = imageEnv();
    expect(env.GATEHOUSE_HOST).toBe('0.0.0.0');
    // The bundled config reads GATEHOUSE_SQLITE for its store; the code reads GATEHOUSE_HOST.
    const imageConfigs = ['schema/gatehouse.yaml', 'deploy/gatehouse.compose.yaml'].map(read).join('\n');
    for (const name of Object.keys(env).filter((key) => key.startsWith('GATEHOUSE_'))) {
      const isRead = readByCode.has(name) || imageConfigs.includes(`\${env:${name}`);
      expect(isRead, `the image sets ${name}, which nothing reads`).toBe(true);
    }
    const volumes = stageArgs('VOLUME').flatMap((args) => JSON.parse(args) as string[]);
    expect(volumes).toEqual(['/app/data']);
    expect(env.GATEHOUSE_SQLITE?.startsWith('/app/data/')).toBe(true);
    expect(stageArgs('RUN').join('\n')).toMatch(/\bchown node(:node)? \/app\/data\b/);
  });

  it('checks its health with node (the slim image has no curl) on /health of GATEHOUSE_PORT', async () => {
    const [, interval, argv] = /^(.*?)CMD\s+(\[.*\])\s*$/.exec(stageArgs('HEALTHCHECK').at(-1) ?? '') ?? [];
    expect(interval).toMatch(/--interval=\d+s/);
    const [node, flag, script = ''] = JSON.parse(argv ?? '[]') as string[];
    expect([node, flag]).toEqual(['node', '-e']);
    await using health = await healthServer();
    const check = (port: number) =>
      new Promise<number | null>((done) =>
        execFile(process.execPath, ['-e', script], { env: { GATEHOUSE_PORT: String(port) } }, (error) =>
          done(error ? (typeof error.code === 'number' ? error.code : null) : 0),
        ),
      );
    expect(await check(health.port)).toBe(0);
    expect(health.paths).toEqual(['/health']);
    expect(await check(health.closedPort)).toBe(1);
  });
});

describe('the checks catch mistakes', () => {
  /** The compose services with one of them changed. */
  const broken = (name: string, change: Partial<Service>): Services => ({
    ...services,
    [name]: { ...services[name], ...change },
  });

  it('a dependency on a missing service, or on health without a healthcheck', () => {
    expect(dependencyProblems(broken('nginx', { depends_on: { gateway: {} } }))).toEqual([
      'nginx depends on unknown service gateway',
    ]);
    expect(dependencyProblems(broken('accounts', { healthcheck: {} }))).toContain(
      'gateway-1 waits for accounts to be healthy, but accounts has no healthcheck',
    );
  });

  it('an unknown subcommand or flag', () => {
    expect(cliProblems(broken('gateway-2', { command: ['serve', '--output', 'x'] }))).toEqual([
      'gateway-2 passes --output, which "gatehouse serve" does not accept',
    ]);
    expect(cliProblems(broken('gateway-1', { command: ['start'] }))).toEqual([
      'gateway-1 runs "gatehouse start", which does not exist',
    ]);
  });

  it('a subgraph URL on another port than its service listens on', () => {
    expect(subgraphProblems(broken('accounts', { environment: { PORT: '4005', HOST: '0.0.0.0' } }))).toEqual([
      'gateway-1: accounts is at accounts:4001, but accounts has PORT=4005',
      'gateway-2: accounts is at accounts:4001, but accounts has PORT=4005',
    ]);
    expect(subgraphProblems(broken('inventory', { environment: { PORT: '4009', HOST: '0.0.0.0' } }))).toEqual(
      [
        'gateway-1: inventory is at inventory:4004, but inventory has PORT=4009',
        'gateway-2: inventory is at inventory:4004, but inventory has PORT=4009',
      ],
    );
  });

  it('a variable that nothing reads', () => {
    const environment = { ...envOf(services['gateway-2']), GATEHOUSE_CACHE_URL: 'redis://redis:6379' };
    expect(unreadEnvProblems(broken('gateway-2', { environment }))).toEqual([
      'gateway-2 is given GATEHOUSE_CACHE_URL, which neither deploy/gatehouse.compose.yaml nor the code reads',
    ]);
  });

  it('a gateway that follows no registry, the wrong port, or another token', () => {
    const gateway = services['gateway-1'] ?? {};
    const command = (gateway.command ?? []).map((arg) => arg.replace(':4100', ':4101'));
    expect(registryProblems(broken('gateway-1', { command }))).toEqual([
      'gateway-1 follows registry:4101, but registry listens on 4100',
    ]);
    const environment = { ...envOf(gateway), GATEHOUSE_REGISTRY_TOKEN: 'another-token-entirely' };
    expect(registryProblems(broken('gateway-1', { environment }))).toEqual([
      'gateway-1 and registry are given different GATEHOUSE_REGISTRY_TOKEN values',
    ]);
  });

  it('an nginx upstream that is not a gateway', () => {
    expect(
      nginxProblems(services, nginxConf.replace('server gateway-2:4000', 'server gateway-3:4000')),
    ).toEqual(['nginx proxies to gateway-1:4000, gateway-3:4000, not gateway-1:4000, gateway-2:4000']);
  });
});

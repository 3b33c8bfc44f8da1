import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadConfigFile, type GatehouseConfig } from '../../src/config/load.js';
import { UserFacingError } from '../../src/errors.js';

/**
 * Docker does not run where the tests run, so docker-compose.yml, the Dockerfile and deploy/ are
 * kept honest here: every command, flag, file, port, host name and healthcheck they mention is
 * checked against the code. Each check returns its problems; the last block feeds each one a
 * broken copy to show that it can fail.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(posix.join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  entrypoint?: string | string[];
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target?: number; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

interface Dockerfile {
  /** Instructions of the last stage (the image compose runs), continuation lines joined. */
  final: { instruction: string; args: string }[];
  all: { instruction: string; args: string }[];
}

interface Project {
  compose: Compose;
  dockerfile: string;
  dockerignore: string;
  nginxConf: string;
  /** The text of each src/cli/*.ts file, where the subcommands and their options are declared. */
  cliSources: string[];
  tsconfigBuild: { include: string[] };
  exists(path: string): boolean;
}

function loadProject(): Project {
  const document = parseDocument(read('docker-compose.yml'));
  if (document.errors.length > 0) throw new Error(`docker-compose.yml: ${document.errors[0]?.message}`);
  return {
    compose: document.toJS() as Compose,
    dockerfile: read('Dockerfile'),
    dockerignore: read('.dockerignore'),
    nginxConf: read('deploy/nginx.conf'),
    cliSources: readdirSync(posix.join(root, 'src/cli'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => read(`src/cli/${file}`)),
    tsconfigBuild: JSON.parse(read('tsconfig.build.json')) as { include: string[] },
    exists: (path) => existsSync(posix.join(root, path)),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading compose and Dockerfile values

function parseDockerfile(text: string): Dockerfile {
  const all = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, instruction = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      return { instruction: instruction.toUpperCase(), args };
    });
  const lastFrom = all.map((entry) => entry.instruction).lastIndexOf('FROM');
  return { all, final: all.slice(lastFrom) };
}

function execForm(dockerfile: Dockerfile, instruction: 'ENTRYPOINT' | 'CMD'): string[] | undefined {
  const entry = dockerfile.final.findLast((candidate) => candidate.instruction === instruction);
  return entry === undefined ? undefined : (JSON.parse(entry.args) as string[]);
}

const words = (value: string | string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String) : value.trim().split(/\s+/);

const isBuiltHere = (service: Service) => service.build !== undefined;

/** The argv a container runs: compose's entrypoint/command over the image's (a new entrypoint drops the image CMD). */
function argvOf(service: Service, dockerfile: Dockerfile): string[] {
  const entrypoint = words(service.entrypoint);
  const command = words(service.command);
  if (!isBuiltHere(service)) return [...(entrypoint ?? []), ...(command ?? [])];
  if (entrypoint !== undefined) return [...entrypoint, ...(command ?? [])];
  return [...(execForm(dockerfile, 'ENTRYPOINT') ?? []), ...(command ?? execForm(dockerfile, 'CMD') ?? [])];
}

function envOf(service: Service): Record<string, string> {
  const env = service.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((item) => [item.split('=')[0] ?? '', item.split('=').slice(1).join('=')]),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

function dependenciesOf(service: Service): Record<string, string> {
  const deps = service.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([name, value]) => [name, value?.condition ?? 'service_started']),
  );
}

function healthcheckArgv(service: Service): string[] | undefined {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable === true || test === undefined) return undefined;
  return Array.isArray(test) ? test.map(String) : ['CMD-SHELL', test];
}

const CLI_ENTRY = 'dist/src/cli/main.js';
const DIST_FILE = /^(?:\.\/)?dist\/(.+)\.js$/;

function distFilesOf(argv: string[]): string[] {
  return argv.filter((arg) => DIST_FILE.test(arg)).map((arg) => arg.replace(/^\.\//, ''));
}

function flagValue(argv: string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** Services that run `gatehouse serve`. */
function gatewayServices(project: Project): string[] {
  const dockerfile = parseDockerfile(project.dockerfile);
  return Object.entries(project.compose.services)
    .filter(([, service]) => {
      const argv = argvOf(service, dockerfile);
      return argv.includes(CLI_ENTRY) && argv[argv.indexOf(CLI_ENTRY) + 1] === 'serve';
    })
    .map(([name]) => name);
}

/** Services that run an example service from dist/subgraphs/. */
function exampleServices(project: Project): string[] {
  const dockerfile = parseDockerfile(project.dockerfile);
  return Object.entries(project.compose.services)
    .filter(([, service]) =>
      distFilesOf(argvOf(service, dockerfile)).some((file) => file.startsWith('dist/subgraphs/')),
    )
    .map(([name]) => name);
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns a list of problems, empty when all is well.

function dependencyProblems(project: Project): string[] {
  const { services } = project.compose;
  return Object.entries(services).flatMap(([name, service]) =>
    Object.entries(dependenciesOf(service)).flatMap(([dependency, condition]) => {
      const target = services[dependency];
      if (target === undefined) return [`${name} depends on unknown service "${dependency}"`];
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
        return [`${name} depends on ${dependency} with unknown condition "${condition}"`];
      }
      if (condition === 'service_healthy' && healthcheckArgv(target) === undefined) {
        return [`${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`];
      }
      return [];
    }),
  );
}

function distFileProblems(project: Project): string[] {
  const dockerfile = parseDockerfile(project.dockerfile);
  return Object.entries(project.compose.services).flatMap(([name, service]) => {
    const files = distFilesOf(argvOf(service, dockerfile));
    if (isBuiltHere(service) && files.length === 0) return [`${name} runs no dist/…js file`];
    return files.flatMap((file) => {
      const source = file.replace(DIST_FILE, '$1.ts');
      if (!project.exists(source)) return [`${name} runs ${file}, but ${source} does not exist`];
      const built = project.tsconfigBuild.include.some(
        (dir) => source === dir || source.startsWith(`${dir.replace(/\/$/, '')}/`),
      );
      return built ? [] : [`${name} runs ${file}, but tsconfig.build.json does not compile ${source}`];
    });
  });
}

/** The part of the CLI source that declares one subcommand and its options. */
function subcommandSource(cliSources: string[], subcommand: string): string | undefined {
  for (const source of cliSources) {
    const start = source.indexOf(`.command('${subcommand}')`);
    if (start < 0) continue;
    const next = source.indexOf('.command(', start + 1);
    return source.slice(start, next < 0 ? undefined : next);
  }
  return undefined;
}

function cliProblems(project: Project): string[] {
  const dockerfile = parseDockerfile(project.dockerfile);
  const commands = Object.entries(project.compose.services).map(
    ([name, service]) => [name, argvOf(service, dockerfile)] as const,
  );
  commands.push([
    'Dockerfile CMD',
    [...(execForm(dockerfile, 'ENTRYPOINT') ?? []), ...(execForm(dockerfile, 'CMD') ?? [])],
  ]);
  return commands.flatMap(([name, argv]) => {
    const at = argv.indexOf(CLI_ENTRY);
    if (at < 0) return [];
    const subcommand = argv[at + 1];
    if (subcommand === undefined) return [`${name} runs the CLI without a subcommand`];
    const source = subcommandSource(project.cliSources, subcommand);
    if (source === undefined)
      return [`${name} runs "gatehouse ${subcommand}", which src/cli/ does not define`];
    return argv
      .slice(at + 2)
      .filter((arg) => arg.startsWith('--'))
      .map((arg) => arg.split('=')[0] ?? arg)
      .filter((flag) => !new RegExp(`['\\s]${flag}[\\s'<]`).test(source))
      .map((flag) => `${name} passes ${flag}, which "gatehouse ${subcommand}" does not accept`);
  });
}

/** Is `path` (relative to the build context) copied into the final image at the same place? */
function shippedInImage(dockerfile: Dockerfile, path: string): boolean {
  const clean = (value: string) => posix.normalize(value).replace(/^\.\//, '').replace(/\/$/, '');
  return dockerfile.final
    .filter((entry) => entry.instruction === 'COPY' && !entry.args.includes('--from'))
    .some((entry) => {
      const parts = entry.args.split(/\s+/).filter((part) => !part.startsWith('--'));
      const dest = clean(parts.at(-1) ?? '');
      return parts.slice(0, -1).some((source) => {
        const src = clean(source);
        const covered = path === src || path.startsWith(`${src}/`);
        return covered && (dest === src || dest === posix.dirname(src));
      });
    });
}

function workdirOf(dockerfile: Dockerfile): string {
  return dockerfile.final.findLast((entry) => entry.instruction === 'WORKDIR')?.args ?? '/';
}

function bindMounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = ''] = volume.split(':');
      return source.startsWith('.') || source.startsWith('/') ? [{ source, target }] : [];
    }
    return volume.type === 'bind' ? [{ source: volume.source ?? '', target: volume.target ?? '' }] : [];
  });
}

function fileReferenceProblems(project: Project): string[] {
  const dockerfile = parseDockerfile(project.dockerfile);
  const workdir = workdirOf(dockerfile);
  const namedVolumes = Object.keys(project.compose.volumes ?? {});
  return Object.entries(project.compose.services).flatMap(([name, service]) => {
    const problems: string[] = [];
    if (typeof service.build === 'object') {
      const context = service.build.context ?? '.';
      const file = posix.join(context, service.build.dockerfile ?? 'Dockerfile');
      if (!project.exists(file)) problems.push(`${name} builds from ${file}, which does not exist`);
    } else if (
      typeof service.build === 'string' &&
      !project.exists(posix.join(service.build, 'Dockerfile'))
    ) {
      problems.push(`${name} builds from ${service.build}, which has no Dockerfile`);
    }
    const mounts = bindMounts(service);
    for (const mount of mounts) {
      if (!project.exists(mount.source))
        problems.push(`${name} mounts ${mount.source}, which does not exist`);
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      const named = source !== undefined && !source.startsWith('.') && !source.startsWith('/');
      if (named && !namedVolumes.includes(source))
        problems.push(`${name} uses undeclared volume "${source}"`);
    }
    const argv = argvOf(service, dockerfile);
    for (const flag of ['--config', '--supergraph']) {
      const path = flagValue(argv, flag);
      if (path === undefined) continue;
      if (!project.exists(path)) problems.push(`${name} passes ${flag} ${path}, which does not exist`);
      const mounted = mounts.some((mount) => mount.target === posix.join(workdir, path));
      if (isBuiltHere(service) && !mounted && !shippedInImage(dockerfile, path)) {
        problems.push(`${name} passes ${flag} ${path}, which is neither copied into the image nor mounted`);
      }
    }
    return problems;
  });
}

type GatewayConfigs = Map<string, { config?: GatehouseConfig; problems: string[] }>;

/** Loads each gateway's config the way `gatehouse serve` would inside its container. */
async function loadGatewayConfigs(project: Project): Promise<GatewayConfigs> {
  const dockerfile = parseDockerfile(project.dockerfile);
  const configs: GatewayConfigs = new Map();
  for (const name of gatewayServices(project)) {
    const service = project.compose.services[name] as Service;
    const argv = argvOf(service, dockerfile);
    const path = flagValue(argv, '--config');
    if (path === undefined) {
      configs.set(name, { problems: [`${name} runs serve without --config`] });
      continue;
    }
    try {
      const config = await loadConfigFile(posix.join(root, path), {
        stage: flagValue(argv, '--stage'),
        env: envOf(service),
      });
      configs.set(name, { config, problems: [] });
    } catch (error) {
      const details = error instanceof UserFacingError ? [error.message, ...error.details] : [String(error)];
      configs.set(name, { problems: details.map((detail) => `${name}: ${detail}`) });
    }
  }
  return configs;
}

/** The port a service listens on inside its container, when the code decides it. */
function listenPort(project: Project, configs: GatewayConfigs, name: string): number | undefined {
  const gateway = configs.get(name)?.config;
  if (gateway !== undefined) return gateway.server.port;
  const service = project.compose.services[name];
  const port = service === undefined ? undefined : envOf(service).PORT;
  return port === undefined ? undefined : Number(port);
}

function gatewayConfigProblems(project: Project, configs: GatewayConfigs): string[] {
  const { services } = project.compose;
  return [...configs].flatMap(([name, { config, problems }]) => {
    if (config === undefined) return problems;
    const found: string[] = [];
    if (!['0.0.0.0', '::'].includes(config.server.host)) {
      found.push(`${name} listens on ${config.server.host}, unreachable from other containers`);
    }
    if (config.subgraphs.length === 0) found.push(`${name} has no subgraphs to compose`);
    const deps = dependenciesOf(services[name] as Service);
    for (const subgraph of config.subgraphs) {
      const url = new URL(subgraph.url);
      const host = url.hostname;
      const target = services[host];
      if (target === undefined) {
        found.push(`${name}: subgraph ${subgraph.name} is at ${host}, which is not a compose service`);
        continue;
      }
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const env = envOf(target);
      if (listenPort(project, configs, host) !== port) {
        found.push(`${name}: subgraph ${subgraph.name} is at port ${port}, but ${host} has PORT=${env.PORT}`);
      }
      if (env.HOST !== '0.0.0.0') {
        found.push(`${host} listens on ${env.HOST ?? '127.0.0.1 (default)'}, unreachable from ${name}`);
      }
      if (deps[host] !== 'service_healthy') {
        found.push(`${name} does not wait for ${host} to be healthy before composing`);
      }
    }
    return found;
  });
}

function nginxProblems(project: Project, configs: GatewayConfigs): string[] {
  const conf = project.nginxConf.replace(/#.*$/gm, '');
  const problems: string[] = [];
  const upstreams = new Map<string, { host: string; port: number }[]>();
  for (const [, name = '', body = ''] of conf.matchAll(/\bupstream\s+(\S+)\s*\{([^}]*)\}/g)) {
    const servers = [...body.matchAll(/^\s*server\s+([^\s;:]+):(\d+)/gm)].map(([, host = '', port = '']) => ({
      host,
      port: Number(port),
    }));
    upstreams.set(name, servers);
  }
  const proxied = [...conf.matchAll(/\bproxy_pass\s+https?:\/\/([^\s/;:]+)/g)].map(([, name = '']) => name);
  if (proxied.length === 0) problems.push('nginx.conf proxies nothing');
  for (const name of proxied) {
    if (!upstreams.has(name)) problems.push(`nginx.conf proxies to "${name}", which is not an upstream`);
  }
  const gateways = gatewayServices(project);
  const balanced = new Set(proxied.flatMap((name) => upstreams.get(name) ?? []).map((server) => server.host));
  for (const gateway of gateways) {
    if (!balanced.has(gateway)) problems.push(`nginx does not send traffic to gateway ${gateway}`);
  }
  for (const [name, servers] of upstreams) {
    for (const server of servers) {
      if (!gateways.includes(server.host)) {
        problems.push(`nginx upstream ${name} has ${server.host}, which is not a gateway service`);
      } else if (listenPort(project, configs, server.host) !== server.port) {
        problems.push(`nginx upstream ${name} uses ${server.host}:${server.port}, but it listens elsewhere`);
      }
    }
  }
  const nginx = Object.entries(project.compose.services).find(([, service]) =>
    bindMounts(service).some((mount) => posix.normalize(mount.source) === 'deploy/nginx.conf'),
  );
  if (nginx === undefined) return [...problems, 'no service mounts deploy/nginx.conf'];
  const [nginxName, nginxService] = nginx;
  const listens = [...conf.matchAll(/^\s*listen\s+(?:[^\s;]*:)?(\d+)/gm)].map(([, port = '']) =>
    Number(port),
  );
  const mappings = (nginxService.ports ?? []).map((port) => {
    if (typeof port === 'object') return { published: Number(port.published), target: Number(port.target) };
    // "4000:80", "127.0.0.1:4000:80" or "80/tcp"; a bare port publishes nothing fixed.
    const parts = String(port)
      .replace(/\/\w+$/, '')
      .split(':');
    return { published: parts.length > 1 ? Number(parts.at(-2)) : NaN, target: Number(parts.at(-1)) };
  });
  const front = mappings.find((mapping) => mapping.published === 4000);
  if (front === undefined) problems.push(`${nginxName} does not publish port 4000`);
  else if (!listens.includes(front.target)) {
    problems.push(
      `${nginxName} publishes 4000 to container port ${front.target}, but nginx listens on ${listens.join(', ')}`,
    );
  }
  for (const gateway of gateways) {
    if (dependenciesOf(nginxService)[gateway] === undefined)
      problems.push(`${nginxName} does not depend on ${gateway}`);
  }
  return problems;
}

/** Tools each image has for its healthcheck; node images have no curl or wget. */
function healthTools(service: Service): string[] | undefined {
  if (isBuiltHere(service)) return ['node'];
  const image = service.image ?? '';
  if (/^nginx:.*alpine/.test(image)) return ['wget'];
  if (/^redis:/.test(image)) return ['redis-cli'];
  if (/^postgres:/.test(image)) return ['pg_isready'];
  return undefined;
}

function healthcheckProblems(project: Project, configs: GatewayConfigs): string[] {
  return Object.entries(project.compose.services).flatMap(([name, service]) => {
    const test = healthcheckArgv(service);
    if (test === undefined) return [`${name} has no healthcheck`];
    if (test[0] !== 'CMD') return [`${name}: write the healthcheck as ["CMD", …] so it needs no shell`];
    const tools = healthTools(service);
    const tool = test[1] ?? '';
    if (tools !== undefined && !tools.includes(tool)) {
      return [`${name}: healthcheck runs ${tool}, which its image lacks (has: ${tools.join(', ')})`];
    }
    const problems: string[] = [];
    const script = test.slice(2).join(' ');
    const url = /https?:\/\/127\.0\.0\.1:(\d+)(\/[^'"\s]*)?/.exec(script);
    const port = listenPort(project, configs, name);
    if (tool === 'node' && url === null)
      problems.push(`${name}: healthcheck requests no http://127.0.0.1:PORT URL`);
    if (url !== null && port !== undefined && Number(url[1]) !== port) {
      problems.push(`${name}: healthcheck probes port ${url[1]}, but the service listens on ${port}`);
    }
    if (configs.has(name) && url?.[2] !== '/ready')
      problems.push(`${name}: gateway healthcheck should probe /ready`);
    return problems;
  });
}

function infrastructureProblems(project: Project): string[] {
  const { services } = project.compose;
  const problems: string[] = [];
  const redis = services.redis;
  const postgres = services.postgres;
  if (redis?.image?.startsWith('redis:7') !== true) problems.push('no redis service on redis:7');
  if (postgres?.image?.startsWith('postgres:15') !== true)
    problems.push('no postgres service on postgres:15');
  const postgresEnv = postgres === undefined ? {} : envOf(postgres);
  if (postgresEnv.POSTGRES_HOST_AUTH_METHOD !== 'trust') problems.push('postgres does not use trust auth');
  const database = postgresEnv.POSTGRES_DB ?? 'postgres';
  for (const name of gatewayServices(project)) {
    const env = envOf(services[name] as Service);
    const redisUrl = env.GATEHOUSE_REDIS_URL === undefined ? undefined : new URL(env.GATEHOUSE_REDIS_URL);
    if (
      redisUrl?.protocol !== 'redis:' ||
      services[redisUrl.hostname]?.image?.startsWith('redis:') !== true
    ) {
      problems.push(`${name}: GATEHOUSE_REDIS_URL does not point at the redis service`);
    }
    const dbUrl = env.GATEHOUSE_DATABASE_URL === undefined ? undefined : new URL(env.GATEHOUSE_DATABASE_URL);
    if (
      dbUrl?.protocol !== 'postgres:' ||
      services[dbUrl.hostname]?.image?.startsWith('postgres:') !== true
    ) {
      problems.push(`${name}: GATEHOUSE_DATABASE_URL does not point at the postgres service`);
    } else if (dbUrl.pathname !== `/${database}`) {
      problems.push(
        `${name}: GATEHOUSE_DATABASE_URL names database ${dbUrl.pathname}, postgres creates ${database}`,
      );
    }
  }
  return problems;
}

function dockerfileProblems(project: Project): string[] {
  const dockerfile = parseDockerfile(project.dockerfile);
  const problems: string[] = [];
  const final = dockerfile.final;
  const has = (instruction: string, pattern: RegExp) =>
    final.some((entry) => entry.instruction === instruction && pattern.test(entry.args));
  if (dockerfile.all.filter((entry) => entry.instruction === 'FROM').length < 2)
    problems.push('not multi-stage');
  if (!dockerfile.all.some((entry) => entry.instruction === 'RUN' && /\bnpm run build\b/.test(entry.args))) {
    problems.push('no stage runs npm run build');
  }
  if (!has('RUN', /\bnpm ci\b.*--omit=dev/))
    problems.push('the runtime stage does not install production deps only');
  if (!has('COPY', /--from=\S+\s+\S*dist\/?\s/))
    problems.push('the runtime stage does not copy dist/ from the build');
  const user = final.findLast((entry) => entry.instruction === 'USER')?.args;
  if (user === undefined || user === 'root' || user === '0') problems.push('the image runs as root');
  const entrypoint = execForm(dockerfile, 'ENTRYPOINT') ?? [];
  if (!entrypoint.includes(CLI_ENTRY)) problems.push(`ENTRYPOINT does not run ${CLI_ENTRY}`);

  // Everything the build reads must reach the build context.
  const ignore = project.dockerignore
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
    .map((pattern) => {
      const glob = pattern.replace(/^\//, '').replace(/\/$/, '');
      const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
      return new RegExp(`^${source}(?:/|$)`);
    });
  const needed = [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'src/ui/vite.config.ts',
    ...project.tsconfigBuild.include,
    ...final
      .filter((entry) => entry.instruction === 'COPY' && !entry.args.includes('--from'))
      .flatMap((entry) => entry.args.split(/\s+/).slice(0, -1)),
  ];
  for (const path of needed) {
    if (ignore.some((pattern) => pattern.test(path)))
      problems.push(`.dockerignore excludes ${path}, which the build needs`);
  }
  for (const path of ['node_modules', 'dist', '.git']) {
    if (!ignore.some((pattern) => pattern.test(path)))
      problems.push(`.dockerignore does not exclude ${path}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  let project: Project;
  let configs: GatewayConfigs;

  beforeAll(async () => {
    project = loadProject();
    configs = await loadGatewayConfigs(project);
  });

  it('runs the example services, two gateways behind nginx, redis and postgres', () => {
    expect(exampleServices(project).sort()).toEqual(['accounts', 'inventory', 'products', 'reviews']);
    expect(gatewayServices(project).sort()).toEqual(['gateway-1', 'gateway-2']);
    // Later features may add services; these must stay.
    expect(Object.keys(project.compose.services)).toEqual(
      expect.arrayContaining(['nginx', 'redis', 'postgres']),
    );
  });

  it('depends only on services that exist, and waits for health only where there is a healthcheck', () => {
    expect(dependencyProblems(project)).toEqual([]);
  });

  it('runs dist files that the build produces from existing sources', () => {
    expect(distFileProblems(project)).toEqual([]);
  });

  it('uses only subcommands and flags the CLI defines', () => {
    expect(cliProblems(project)).toEqual([]);
  });

  it('references files that exist and reach the container', () => {
    expect(fileReferenceProblems(project)).toEqual([]);
  });

  it('gives the gateways a config that passes the real validator', () => {
    expect(configs.size).toBe(2);
    expect([...configs.values()].flatMap((entry) => entry.problems)).toEqual([]);
    for (const { config } of configs.values()) {
      expect(config?.stage).toBe('prod');
      expect(config?.subgraphs.map((subgraph) => subgraph.name)).toEqual(['accounts', 'products', 'reviews']);
    }
  });

  it('points the gateway config at the compose services, on the ports they listen on', () => {
    expect(gatewayConfigProblems(project, configs)).toEqual([]);
  });

  it('balances nginx over exactly the gateway services, published on port 4000', () => {
    expect(nginxProblems(project, configs)).toEqual([]);
  });

  it('has a healthcheck on every service, using tools its image has and the port it listens on', () => {
    expect(healthcheckProblems(project, configs)).toEqual([]);
  });

  it('provides redis and postgres, and tells the gateways where they are', () => {
    expect(infrastructureProblems(project)).toEqual([]);
  });

  it('builds the image in stages, runs it as a non-root user and sends the build what it needs', () => {
    expect(dockerfileProblems(project)).toEqual([]);
  });
});

describe('the docker-compose checks catch mistakes', () => {
  let base: Project;
  let configs: GatewayConfigs;

  beforeAll(async () => {
    base = loadProject();
    configs = await loadGatewayConfigs(base);
  });

  /** A copy of the project with its compose file changed. */
  function broken(
    change: (services: Record<string, Service>) => void,
    overrides: Partial<Project> = {},
  ): Project {
    const compose = structuredClone(base.compose);
    change(compose.services);
    return { ...base, ...overrides, compose };
  }
  const service = (services: Record<string, Service>, name: string) => services[name] as Service;

  it('a dependency on a missing service, or on health without a healthcheck', () => {
    expect(dependencyProblems(broken((s) => delete s.reviews))).toContain(
      'gateway-1 depends on unknown service "reviews"',
    );
    expect(dependencyProblems(broken((s) => delete service(s, 'accounts').healthcheck))).toContain(
      'gateway-1 waits for accounts to be healthy, but accounts has no healthcheck',
    );
  });

  it('a dist file with no source', () => {
    const project = broken((s) => (service(s, 'products').command = ['dist/subgraphs/product/index.js']));
    expect(distFileProblems(project)).toEqual([
      'products runs dist/subgraphs/product/index.js, but subgraphs/product/index.ts does not exist',
    ]);
    const noEntrypoint = broken((s) => delete service(s, 'inventory').entrypoint);
    expect(distFileProblems(noEntrypoint)).toEqual([]);
    expect(cliProblems(noEntrypoint)).toEqual([
      'inventory runs "gatehouse dist/subgraphs/inventory/index.js", which src/cli/ does not define',
    ]);
  });

  it('an unknown subcommand or flag', () => {
    const flag = broken(
      (s) => (service(s, 'gateway-2').command = ['serve', '--config', 'x.yaml', '--output', 'y']),
    );
    expect(cliProblems(flag)).toEqual(['gateway-2 passes --output, which "gatehouse serve" does not accept']);
    const subcommand = broken((s) => (service(s, 'gateway-1').command = ['start']));
    expect(cliProblems(subcommand)).toEqual([
      'gateway-1 runs "gatehouse start", which src/cli/ does not define',
    ]);
  });

  it('a config file that is missing, or not in the image', () => {
    const missing = broken(
      (s) => (service(s, 'gateway-1').command = ['serve', '--config', 'deploy/nope.yaml']),
    );
    expect(fileReferenceProblems(missing)).toEqual([
      'gateway-1 passes --config deploy/nope.yaml, which does not exist',
      'gateway-1 passes --config deploy/nope.yaml, which is neither copied into the image nor mounted',
    ]);
    const notCopied = broken(() => {}, {
      dockerfile: base.dockerfile.replace(/^COPY deploy\/.*$/m, ''),
    });
    expect(fileReferenceProblems(notCopied)).toHaveLength(2);
    const mountedInstead = broken(
      (s) =>
        (service(s, 'gateway-1').volumes = [
          './deploy/gatehouse.compose.yaml:/app/deploy/gatehouse.compose.yaml:ro',
        ]),
      { dockerfile: notCopied.dockerfile },
    );
    expect(fileReferenceProblems(mountedInstead)).toEqual([
      'gateway-2 passes --config deploy/gatehouse.compose.yaml, which is neither copied into the image nor mounted',
    ]);
  });

  it('a subgraph on another port, or bound to loopback', () => {
    const project = broken((s) => {
      service(s, 'accounts').environment = { PORT: '4005' };
    });
    expect(gatewayConfigProblems(project, configs)).toEqual(
      expect.arrayContaining([
        'gateway-1: subgraph accounts is at port 4001, but accounts has PORT=4005',
        'accounts listens on 127.0.0.1 (default), unreachable from gateway-1',
      ]),
    );
    expect(healthcheckProblems(project, configs)).toEqual([
      'accounts: healthcheck probes port 4001, but the service listens on 4005',
    ]);
  });

  it('an nginx upstream that misses a gateway or names another host', () => {
    const project = {
      ...base,
      nginxConf: base.nginxConf.replace('server gateway-2:4000', 'server gateway-3:4000'),
    };
    expect(nginxProblems(project, configs)).toEqual([
      'nginx does not send traffic to gateway gateway-2',
      'nginx upstream gatehouse_gateways has gateway-3, which is not a gateway service',
    ]);
    const wrongPort = {
      ...base,
      nginxConf: base.nginxConf.replace('server gateway-1:4000', 'server gateway-1:4001'),
    };
    expect(nginxProblems(wrongPort, configs)).toEqual([
      'nginx upstream gatehouse_gateways uses gateway-1:4001, but it listens elsewhere',
    ]);
    const unpublished = broken((s) => (service(s, 'nginx').ports = ['4000:8080']));
    expect(nginxProblems(unpublished, configs)).toEqual([
      'nginx publishes 4000 to container port 8080, but nginx listens on 80',
    ]);
  });

  it('a missing healthcheck, or one using curl in a node image', () => {
    expect(
      healthcheckProblems(
        broken((s) => delete service(s, 'inventory').healthcheck),
        configs,
      ),
    ).toEqual(['inventory has no healthcheck']);
    const curl = broken(
      (s) =>
        (service(s, 'gateway-2').healthcheck = {
          test: ['CMD', 'curl', '-f', 'http://127.0.0.1:4000/ready'],
        }),
    );
    expect(healthcheckProblems(curl, configs)).toEqual([
      'gateway-2: healthcheck runs curl, which its image lacks (has: node)',
    ]);
  });

  it('gateways without the redis and postgres URLs', () => {
    const project = broken((s) => (service(s, 'gateway-1').environment = {}));
    expect(infrastructureProblems(project)).toEqual([
      'gateway-1: GATEHOUSE_REDIS_URL does not point at the redis service',
      'gateway-1: GATEHOUSE_DATABASE_URL does not point at the postgres service',
    ]);
  });

  it('a single-stage, root, or context-starved image', () => {
    const project = {
      ...base,
      dockerfile: base.dockerfile.replace(/^USER .*$/m, ''),
      dockerignore: `${base.dockerignore}\nsubgraphs\n`,
    };
    expect(dockerfileProblems(project)).toEqual([
      'the image runs as root',
      '.dockerignore excludes subgraphs, which the build needs',
    ]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfigFile, type GatehouseConfig } from '../../src/config/load.js';

// docker-compose.yml, the Dockerfile and deploy/ as the compose tests read them (Docker does not run
// here): the services, what each one runs, and the gateway config files they load.

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const read = (path: string) => readFileSync(join(root, path), 'utf8');
export const exists = (path: string) => existsSync(join(root, path));
export const CLI = 'dist/src/cli/main.js';

/** A compose service, in the forms docker-compose.yml uses: exec-form arrays and mappings. */
export interface Service {
  build?: unknown;
  image?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  volumes?: string[];
  ports?: string[];
  expose?: string[];
}
export type Services = Record<string, Service>;

export const services = (parse(read('docker-compose.yml')) as { services: Services }).services;
export const dockerfile = read('Dockerfile');
/** The Dockerfile's last stage: the image compose runs. */
export const finalStage = dockerfile.slice(Math.max(0, dockerfile.lastIndexOf('\nFROM ')));
/** The arguments of every `op` instruction of the final stage, continuation lines joined. */
export const stageArgs = (op: string) =>
  [...finalStage.replace(/\\\n\s*/g, ' ').matchAll(new RegExp(`^${op}\\s+(.*)$`, 'gm'))].map(
    ([, args]) => args ?? '',
  );
const imageArgv = (op: 'ENTRYPOINT' | 'CMD') => JSON.parse(stageArgs(op).at(-1) ?? '[]') as string[];

export const envOf = (service: Service | undefined) => service?.environment ?? {};
export const flagValue = (argv: string[], flag: string) =>
  argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined;

/** What a container runs: compose's entrypoint/command over the image's (a new entrypoint drops CMD). */
export function argvOf(service: Service): string[] {
  const { entrypoint, command } = service;
  if (service.build === undefined || entrypoint !== undefined)
    return [...(entrypoint ?? []), ...(command ?? [])];
  return [...imageArgv('ENTRYPOINT'), ...(command ?? imageArgv('CMD'))];
}

/** Every command line: each service's, and the image's default. */
export const runs = (s: Services): [string, string[]][] => [
  ...Object.entries(s).map(([name, service]): [string, string[]] => [name, argvOf(service)]),
  ['Dockerfile', [...imageArgv('ENTRYPOINT'), ...imageArgv('CMD')]],
];

const runningCommand = (s: Services, command: string) =>
  Object.entries(s).flatMap(([name, service]) =>
    argvOf(service).join(' ').includes(`${CLI} ${command}`) ? [name] : [],
  );
export const gatewayNames = (s: Services) => runningCommand(s, 'serve');
export const registryNames = (s: Services) => runningCommand(s, 'registry');

/** The host path mounted at `target` in a service, e.g. `./deploy/prometheus.yml`. */
export function mountedAt(service: Service | undefined, target: string): string | undefined {
  const volume = service?.volumes?.find((entry) => entry.split(':')[1] === target);
  return volume?.split(':')[0];
}

/** A service's config file, loaded by the real loader as its command line and environment say. */
export async function loadServiceConfig(
  name: string,
): Promise<{ path: string; text: string; config: GatehouseConfig }> {
  const argv = argvOf(services[name] ?? {});
  // Compose substitutes ${VAR:-default} in the environment before the container sees it.
  const env = Object.fromEntries(
    Object.entries(envOf(services[name])).map(([key, value]) => [
      key,
      value.replace(/\$\{\w+:-([^}]*)\}/g, '$1'),
    ]),
  );
  const path = flagValue(argv, '--config') ?? 'none';
  const config = await loadConfigFile(join(root, path), { stage: flagValue(argv, '--stage'), env });
  return { path, text: read(path), config };
}

import { resolve } from 'node:path';
import { findDefaultConfig, loadConfigFile, resolveConfig, type GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import { settingsFrom, type Setting } from './environment.js';

export interface ServeFlags {
  config?: string;
  supergraph?: string;
  port?: string;
  host?: string;
  stage?: string;
  workers?: string;
  /** Load the supergraph file again whenever it changes. */
  watch?: boolean;
  /** Follow a stage (`--stage`) of the registry at this base URL. */
  registry?: string;
  registryToken?: string;
}

export interface ConfigSourceOptions {
  /** The config file when neither --config nor GATEHOUSE_CONFIG names one (default: found here). */
  fallbackConfig?: string;
  /** The GATEHOUSE_* variables this command reads besides GATEHOUSE_STAGE (default: all but GATEHOUSE_SUPERGRAPH). */
  variables?: readonly Setting[];
}

const CONFIG_VARIABLES: readonly Setting[] = ['config', 'host', 'port', 'workers', 'logLevel'];
/** What `serve` reads: it is the command with `--supergraph`. */
export const SERVE_VARIABLES: readonly Setting[] = [...CONFIG_VARIABLES, 'supergraph'];

/**
 * Builds the configuration from the flags: a config file, a supergraph file or a registry to follow,
 * or a config file and one of those. A flag wins over its GATEHOUSE_* variable, and both over the file.
 */
export async function configFromFlags(
  flags: ServeFlags,
  options: ConfigSourceOptions = {},
): Promise<GatehouseConfig> {
  const config = await configWithSource(flags, options);
  if (!flags.watch) return config;
  if (config.supergraph?.kind !== 'file') {
    throw new UserFacingError(
      `--watch follows a supergraph file: pass --supergraph FILE, or set \`supergraph: FILE\` in ${config.source}.`,
    );
  }
  return Object.freeze({ ...config, supergraph: Object.freeze({ ...config.supergraph, watch: true }) });
}

async function configWithSource(flags: ServeFlags, options: ConfigSourceOptions): Promise<GatehouseConfig> {
  const variables = (options.variables ?? CONFIG_VARIABLES).filter(
    // A registry to follow, given as a flag, wins over a supergraph file given as a variable.
    (setting) => !(setting === 'supergraph' && flags.registry !== undefined),
  );
  const settings = settingsFrom(
    {
      config: flags.config,
      supergraph: flags.supergraph,
      host: flags.host,
      port: flags.port,
      workers: flags.workers,
    },
    process.env,
    variables,
  );
  const overrides: Record<string, unknown> = {};
  const server: Record<string, unknown> = {};
  if (settings.port !== undefined) server.port = settings.port;
  if (settings.host !== undefined) server.host = settings.host;
  if (settings.workers !== undefined) server.workers = settings.workers;
  if (Object.keys(server).length > 0) overrides.server = server;
  if (settings.logLevel !== undefined) overrides.logging = { level: settings.logLevel };
  if (settings.supergraph !== undefined && flags.registry !== undefined) {
    throw new UserFacingError('Pass --supergraph FILE or --registry URL, not both.');
  }
  if (flags.registryToken !== undefined && flags.registry === undefined) {
    throw new UserFacingError('--registry-token goes with --registry URL.');
  }
  if (settings.supergraph !== undefined) {
    overrides.supergraph = resolve(settings.supergraph);
    overrides.subgraphs = [];
  }
  if (flags.registry !== undefined) {
    const token = flags.registryToken ?? process.env.GATEHOUSE_REGISTRY_TOKEN;
    overrides.supergraph = { registry: flags.registry, ...(token ? { token } : {}) };
    overrides.subgraphs = [];
  }
  const fromFlags = settings.supergraph ?? flags.registry;
  const configFile =
    settings.config ??
    (fromFlags === undefined ? (options.fallbackConfig ?? findDefaultConfig()) : undefined);
  if (configFile !== undefined) {
    return loadConfigFile(resolve(configFile), { stage: flags.stage, overrides });
  }
  if (fromFlags === undefined) {
    throw new UserFacingError(
      'No configuration: pass --config FILE or --supergraph FILE (or --registry URL), set GATEHOUSE_CONFIG, or create gatehouse.yaml (or schema/gatehouse.yaml) here.',
    );
  }
  return resolveConfig({}, { stage: flags.stage, overrides, source: 'command-line flags' });
}

/**
 * The config of a command that needs a config file but not a graph (`keys`, `registry`): from
 * `--config` and `--stage`, and when no file is found, a message saying what the file is for.
 */
export async function commandConfig(
  flags: { config?: string; stage?: string },
  whatTheFileHolds: string,
): Promise<GatehouseConfig> {
  try {
    return await configFromFlags({
      ...(flags.config === undefined ? {} : { config: flags.config }),
      ...(flags.stage === undefined ? {} : { stage: flags.stage }),
    });
  } catch (error) {
    if (
      error instanceof UserFacingError &&
      flags.config === undefined &&
      error.message.startsWith('No configuration')
    ) {
      throw new UserFacingError(
        `No configuration: pass --config FILE (${whatTheFileHolds}) or set GATEHOUSE_CONFIG, or run this where gatehouse.yaml is.`,
      );
    }
    throw error;
  }
}

import { resolve } from 'node:path';
import { findDefaultConfig, loadConfigFile, resolveConfig, type GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';

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

/**
 * Builds the configuration from the flags: a config file, a supergraph file or a registry to follow,
 * or a config file and one of those.
 */
export async function configFromFlags(flags: ServeFlags, fallbackConfig?: string): Promise<GatehouseConfig> {
  const config = await configWithSource(flags, fallbackConfig);
  if (!flags.watch) return config;
  if (config.supergraph?.kind !== 'file') {
    throw new UserFacingError(
      `--watch follows a supergraph file: pass --supergraph FILE, or set \`supergraph: FILE\` in ${config.source}.`,
    );
  }
  return Object.freeze({ ...config, supergraph: Object.freeze({ ...config.supergraph, watch: true }) });
}

async function configWithSource(flags: ServeFlags, fallbackConfig?: string): Promise<GatehouseConfig> {
  const overrides: Record<string, unknown> = {};
  const server: Record<string, unknown> = {};
  if (flags.port !== undefined) server.port = flags.port;
  if (flags.host !== undefined) server.host = flags.host;
  if (flags.workers !== undefined) server.workers = flags.workers;
  if (Object.keys(server).length > 0) overrides.server = server;
  if (flags.supergraph !== undefined && flags.registry !== undefined) {
    throw new UserFacingError('Pass --supergraph FILE or --registry URL, not both.');
  }
  if (flags.registryToken !== undefined && flags.registry === undefined) {
    throw new UserFacingError('--registry-token goes with --registry URL.');
  }
  if (flags.supergraph !== undefined) {
    overrides.supergraph = resolve(flags.supergraph);
    overrides.subgraphs = [];
  }
  if (flags.registry !== undefined) {
    const token = flags.registryToken ?? process.env.GATEHOUSE_REGISTRY_TOKEN;
    overrides.supergraph = { registry: flags.registry, ...(token ? { token } : {}) };
    overrides.subgraphs = [];
  }
  const fromFlags = flags.supergraph ?? flags.registry;
  const configFile =
    flags.config ?? (fromFlags === undefined ? (fallbackConfig ?? findDefaultConfig()) : undefined);
  if (configFile !== undefined) {
    return loadConfigFile(resolve(configFile), { stage: flags.stage, overrides });
  }
  if (fromFlags === undefined) {
    throw new UserFacingError(
      'No configuration: pass --config FILE or --supergraph FILE (or --registry URL), or create gatehouse.yaml (or schema/gatehouse.yaml) here.',
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
        `No configuration: pass --config FILE (${whatTheFileHolds}), or run this where gatehouse.yaml is.`,
      );
    }
    throw error;
  }
}

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
}

/** Builds the configuration from the flags: a config file, a supergraph file, or both. */
export async function configFromFlags(flags: ServeFlags, fallbackConfig?: string): Promise<GatehouseConfig> {
  const overrides: Record<string, unknown> = {};
  const server: Record<string, unknown> = {};
  if (flags.port !== undefined) server.port = flags.port;
  if (flags.host !== undefined) server.host = flags.host;
  if (flags.workers !== undefined) server.workers = flags.workers;
  if (Object.keys(server).length > 0) overrides.server = server;
  if (flags.supergraph !== undefined) {
    overrides.supergraph = resolve(flags.supergraph);
    overrides.subgraphs = [];
  }
  const configFile =
    flags.config ?? (flags.supergraph === undefined ? (fallbackConfig ?? findDefaultConfig()) : undefined);
  if (configFile !== undefined) {
    return loadConfigFile(resolve(configFile), { stage: flags.stage, overrides });
  }
  if (flags.supergraph === undefined) {
    throw new UserFacingError(
      'No configuration: pass --config FILE or --supergraph FILE, or create gatehouse.yaml (or schema/gatehouse.yaml) here.',
    );
  }
  return resolveConfig({}, { stage: flags.stage, overrides, source: 'command-line flags' });
}

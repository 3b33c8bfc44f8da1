import type { Logger } from 'pino';
import type { GatehouseConfig } from '../config/load.js';
import type { AssembleOptions } from '../pipeline/assemble.js';
import { openRegistry } from '../pipeline/resources.js';
import { RegistryClient } from '../registry/client.js';
import { seedStageFromConfig } from '../registry/seed.js';
import type { EmbeddedRegistry } from '../registry/service.js';
import type { Registry } from '../registry/types.js';
import { openStore } from '../store/index.js';

/** The registry stage the gateway follows, when its supergraph comes from a registry. */
export function followedStage(config: GatehouseConfig): string | undefined {
  return config.supergraph?.kind === 'registry' ? (config.supergraph.stage ?? config.stage) : undefined;
}

/** True when the gateway serves a stage of the registry it runs itself. */
export function followsEmbeddedRegistry(config: GatehouseConfig): boolean {
  return config.supergraph?.kind === 'registry' && config.supergraph.registry === 'embedded';
}

/**
 * Before a gateway first loads a stage of its own registry: the config's `subgraphs` give that
 * stage its first version when it has none (`npm start` serves the example graph this way).
 */
export async function seedFollowedStage(config: GatehouseConfig, registry: EmbeddedRegistry): Promise<void> {
  const stage = followedStage(config);
  if (stage !== undefined && followsEmbeddedRegistry(config))
    await seedStageFromConfig(registry, config, stage);
}

/**
 * Where the usage reports of a gateway following a registry go: straight into its own registry, or
 * over HTTP (with the token) to a remote one. None when the supergraph comes from anywhere else.
 */
export function usageReporting(
  config: GatehouseConfig,
  embedded: Registry | undefined,
): { sink: NonNullable<AssembleOptions['usageSink']>; close(): Promise<void> } | undefined {
  const source = config.supergraph;
  if (source?.kind !== 'registry' || config.registry.usage.sampleRate === 0) return undefined;
  if (source.registry === 'embedded') {
    if (embedded === undefined) return undefined;
    return { sink: (records) => embedded.recordUsage(records), close: async () => {} };
  }
  // The registry takes usage reports from admin tokens only: without one, every batch would be refused.
  if (source.token === undefined) return undefined;
  const client = new RegistryClient({ url: source.registry, token: source.token });
  return { sink: (records) => client.recordUsage(records), close: () => client.close() };
}

/**
 * The cluster primary's own registry, to follow and seed the stage its workers serve (they each
 * open the store too, to serve the registry's API). Closed with the cluster.
 */
export async function openPrimaryRegistry(
  config: GatehouseConfig,
  logger: Logger,
): Promise<{ registry: EmbeddedRegistry; close(): Promise<void> } | undefined> {
  if (!followsEmbeddedRegistry(config)) return undefined;
  const store = await openStore(config.store, {
    onIdleError: (error) => logger.warn({ err: error }, 'a pooled store connection failed; reconnecting'),
  });
  const registry = openRegistry(config, store, logger);
  const close = async () => {
    await registry.close();
    await store.close();
  };
  try {
    await seedFollowedStage(config, registry);
  } catch (error) {
    await close();
    throw error;
  }
  return { registry, close };
}

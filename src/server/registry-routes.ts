import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import { registerRegistryApi } from '../registry/http-api.js';
import type { Registry } from '../registry/types.js';
import { registerRegistryPage } from './registry-page.js';
import { defaultUiDir } from './sandbox.js';

/**
 * The registry's API (`/registry/v1/…`) and its read-only page (`/registry/`), as the gateway
 * (`registry.embedded`) and `gatehouse registry` serve them. Reads need an admin token in stage
 * `prod`; every change needs one.
 */
export async function registerRegistryRoutes(
  app: FastifyInstance,
  options: { registry: Registry; config: GatehouseConfig; logger: FastifyBaseLogger; uiDir?: string },
): Promise<void> {
  const { registry, config, logger } = options;
  await registerRegistryApi(app, {
    registry,
    tokens: config.registry.tokens,
    readsNeedToken: config.production,
    maxSchemaBytes: config.registry.maxSchemaBytes,
    logger,
  });
  await registerRegistryPage(app, { uiDir: options.uiDir ?? defaultUiDir() });
}

import cors from '@fastify/cors';
import type { GatehouseConfig } from '../config/load.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';

export type CorsConfig = NonNullable<GatehouseConfig['cors']>;

/**
 * CORS for browser clients on other origins (`@fastify/cors`): preflights are answered, and
 * responses to an allowed origin carry the CORS headers; another origin gets none, so the browser
 * keeps the response from its page. Same-origin pages (the sandbox) need no CORS at all.
 */
export function useCors(config: CorsConfig): GatewayPlugin {
  const anyOrigin = config.origins.includes('*');
  return {
    name: 'cors',
    async register(app) {
      await app.register(cors, {
        origin: anyOrigin ? '*' : [...config.origins],
        credentials: config.credentials,
        allowedHeaders: [...config.allowedHeaders],
        exposedHeaders: [...config.exposedHeaders],
        maxAge: config.maxAgeSec,
        methods: ['GET', 'POST', 'OPTIONS'],
        // Preflights end here with 204; nothing else runs for them.
        strictPreflight: true,
      });
    },
  };
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import fastifyStatic from '@fastify/static';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';

/** Where the registry page lives. `/registry` redirects here (its assets are relative). */
export const REGISTRY_PAGE_PATH = '/registry/';

/** The page's file in the built UI, beside the sandbox's `index.html`. */
export const REGISTRY_PAGE_FILE = 'registry.html';

/**
 * The page loads only its own scripts and styles and talks only to this origin: a page that holds an
 * admin token must not run or reach anything else, and must not be framed by another site.
 */
export const PAGE_HEADERS = {
  'content-security-policy': [
    "default-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
} as const;

export interface RegistryPageOptions {
  /** The directory holding the built UI (`registry.html` and `assets/`), normally `defaultUiDir()`. */
  uiDir: string;
}

/**
 * Serves the read-only registry page (built by `npm run build:ui`) at `/registry/`, with its assets
 * under `/registry/assets/`. Register it next to the registry API (`/registry/v1/…`): the page is
 * static and open, and the API decides whether a read needs the admin token. If the UI has not been
 * built, the page's paths answer 503 with the registry API's error shape.
 */
export async function registerRegistryPage<Logger extends FastifyBaseLogger = FastifyBaseLogger>(
  // Generic over the logger so that an app built with a pino `loggerInstance` fits too.
  app: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>,
  options: RegistryPageOptions,
): Promise<void> {
  const uiDir = resolve(options.uiDir);
  const pageFile = join(uiDir, REGISTRY_PAGE_FILE);

  // Only these paths: everything else under /registry/ belongs to the API.
  app.get('/registry', (_request, reply) => reply.redirect(REGISTRY_PAGE_PATH, 301));

  if (!existsSync(pageFile)) {
    app.log.warn({ uiDir }, 'The registry page is not built: /registry/ will answer 503 (run npm run build)');
    for (const url of [REGISTRY_PAGE_PATH, `${REGISTRY_PAGE_PATH}assets/*`]) {
      app.get(url, (_request, reply) =>
        reply
          .code(503)
          .header('cache-control', 'no-store')
          .send({
            error: {
              code: 'REGISTRY_PAGE_NOT_BUILT',
              message: 'The registry page is not built: run npm run build',
            },
          }),
      );
    }
    return;
  }

  app.get(REGISTRY_PAGE_PATH, async (_request, reply) =>
    // Read on every request (it is half a kilobyte): after a rebuild it names the new assets.
    reply
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(await readFile(pageFile)),
  );

  await app.register(fastifyStatic, {
    root: join(uiDir, 'assets'),
    prefix: `${REGISTRY_PAGE_PATH}assets/`,
    // Leave `reply.sendFile` to whoever else registers @fastify/static on this instance (the sandbox).
    decorateReply: false,
    // Vite fingerprints everything under assets/.
    cacheControl: false,
    setHeaders(reply) {
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PAGE_HEADERS } from './registry-page.js';

/** Where the dashboard lives. `/admin` redirects here (its assets are relative). */
export const ADMIN_PAGE_PATH = '/admin/';

/** The page's file in the built UI, beside the sandbox's `index.html`. */
export const ADMIN_PAGE_FILE = 'admin.html';

/**
 * Serves the dashboard page (built by `npm run build:ui`) at `/admin/`, with its assets under
 * `/admin/assets/`. The page is a static shell with no figures in it: it polls
 * `/admin/api/stats` (the dashboard plugin's route), which decides whether an admin token is needed
 * and asks the user for one when it is. If the UI has not been built, the page answers 503.
 */
export async function registerAdminPage(app: FastifyInstance, options: { uiDir: string }): Promise<void> {
  const uiDir = resolve(options.uiDir);
  const pageFile = join(uiDir, ADMIN_PAGE_FILE);

  app.get('/admin', (_request, reply) => reply.redirect(ADMIN_PAGE_PATH, 301));

  if (!existsSync(pageFile)) {
    app.log.warn({ uiDir }, 'The dashboard page is not built: /admin/ will answer 503 (run npm run build)');
    for (const url of [ADMIN_PAGE_PATH, `${ADMIN_PAGE_PATH}assets/*`]) {
      app.get(url, (_request, reply) =>
        reply
          .code(503)
          .header('cache-control', 'no-store')
          .send({
            error: {
              code: 'ADMIN_PAGE_NOT_BUILT',
              message: 'The dashboard page is not built: run npm run build',
            },
          }),
      );
    }
    return;
  }

  app.get(ADMIN_PAGE_PATH, async (_request, reply) =>
    // Read on every request (it is half a kilobyte): after a rebuild it names the new assets.
    reply
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(await readFile(pageFile)),
  );

  await app.register(fastifyStatic, {
    root: join(uiDir, 'assets'),
    prefix: `${ADMIN_PAGE_PATH}assets/`,
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

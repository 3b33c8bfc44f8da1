import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger } from 'fastify';
import { errorBody } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { ADMIN_PAGE_FILE } from './admin-page.js';
import { REGISTRY_PAGE_FILE } from './registry-page.js';
import type { FastifyWithLogger } from './ui-page.js';

/** Where the sandbox page lives. `/sandbox` redirects here (its assets are relative). */
export const SANDBOX_PATH = '/sandbox/';

export interface SandboxOptions {
  /** The directory holding the built UI (`index.html` and `assets/`), normally {@link defaultUiDir}. */
  uiDir: string;
}

/** The built UI: `dist/ui` under the package root. */
export function defaultUiDir(): string {
  return join(packageRoot, 'dist', 'ui');
}

/**
 * Serves the GraphiQL sandbox (built by `npm run build:ui`) at `/sandbox/`, and redirects `/` to it.
 * If the UI has not been built, `/sandbox` answers 503 with a GraphQL-shaped error instead.
 */
export async function registerSandbox<Logger extends FastifyBaseLogger = FastifyBaseLogger>(
  app: FastifyWithLogger<Logger>,
  options: SandboxOptions,
): Promise<void> {
  const uiDir = resolve(options.uiDir);

  app.get('/', (_request, reply) => reply.redirect(SANDBOX_PATH, 302));

  if (!existsSync(join(uiDir, 'index.html'))) {
    app.log.warn({ uiDir }, 'The sandbox UI is not built: /sandbox will answer 503 (run npm run build)');
    for (const url of ['/sandbox', '/sandbox/*']) {
      app.get(url, (_request, reply) =>
        reply.code(503).header('cache-control', 'no-store').send(errorBody('SANDBOX_NOT_BUILT')),
      );
    }
    return;
  }

  await app.register(fastifyStatic, {
    root: uiDir,
    prefix: '/sandbox',
    // `/sandbox` → 301 `/sandbox/`: the page's assets are relative URLs (Vite `base: './'`).
    redirect: true,
    // Leave `reply.sendFile` to whoever else may register @fastify/static on this instance.
    decorateReply: false,
    cacheControl: false,
    // The registry page and the dashboard share dist/ui; they are served at /registry/ and /admin/
    // (registry-page.ts, admin-page.ts), with their own headers.
    allowedPath: (path) => path !== `/${REGISTRY_PAGE_FILE}` && path !== `/${ADMIN_PAGE_FILE}`,
    setHeaders(reply, path) {
      // Vite fingerprints everything under assets/; index.html must always be revalidated.
      const immutable = relative(uiDir, path).startsWith(`assets${sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

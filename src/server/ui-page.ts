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

/**
 * A Fastify app with any logger: generic so that an app built with a pino `loggerInstance` fits too
 * (Fastify's default type parameters name only its own logger).
 */
export type FastifyWithLogger<Logger extends FastifyBaseLogger = FastifyBaseLogger> = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger
>;

export interface UiPage {
  /** The directory holding the built UI (the page's HTML file and `assets/`), normally `defaultUiDir()`. */
  uiDir: string;
  /** Where the page lives, with a trailing slash (its assets are relative); the bare path redirects here. */
  path: `/${string}/`;
  /** The page's HTML file in the built UI, beside the sandbox's `index.html`. */
  file: string;
  /** The page's name in the log line and the 503 message ("The … page is not built"). */
  name: string;
  /** The error code of the 503 answer when the UI is not built. */
  notBuiltCode: string;
}

/**
 * Serves one page of the built UI (`npm run build:ui`) at `page.path`, with its assets under
 * `<path>assets/`. Only these paths are registered: whatever else is under the path (an API) belongs
 * to its own routes. If the UI has not been built, the page's paths answer 503 with the error shape
 * of the gateway's APIs.
 */
export async function registerUiPage<Logger extends FastifyBaseLogger = FastifyBaseLogger>(
  app: FastifyWithLogger<Logger>,
  page: UiPage,
): Promise<void> {
  const uiDir = resolve(page.uiDir);
  const pageFile = join(uiDir, page.file);

  app.get(page.path.slice(0, -1), (_request, reply) => reply.redirect(page.path, 301));

  if (!existsSync(pageFile)) {
    app.log.warn(
      { uiDir },
      `The ${page.name} page is not built: ${page.path} will answer 503 (run npm run build)`,
    );
    for (const url of [page.path, `${page.path}assets/*`]) {
      app.get(url, (_request, reply) =>
        reply
          .code(503)
          .header('cache-control', 'no-store')
          .send({
            error: {
              code: page.notBuiltCode,
              message: `The ${page.name} page is not built: run npm run build`,
            },
          }),
      );
    }
    return;
  }

  app.get(page.path, async (_request, reply) =>
    // Read on every request (it is half a kilobyte): after a rebuild it names the new assets.
    reply
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(await readFile(pageFile)),
  );

  await app.register(fastifyStatic, {
    root: join(uiDir, 'assets'),
    prefix: `${page.path}assets/`,
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

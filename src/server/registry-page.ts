import type { FastifyBaseLogger } from 'fastify';

import { registerUiPage, type FastifyWithLogger } from './ui-page.js';

/** Where the registry page lives. `/registry` redirects here (its assets are relative). */
export const REGISTRY_PAGE_PATH = '/registry/';

/** The page's file in the built UI, beside the sandbox's `index.html`. */
export const REGISTRY_PAGE_FILE = 'registry.html';

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
  app: FastifyWithLogger<Logger>,
  options: RegistryPageOptions,
): Promise<void> {
  await registerUiPage(app, {
    uiDir: options.uiDir,
    path: REGISTRY_PAGE_PATH,
    file: REGISTRY_PAGE_FILE,
    name: 'registry',
    notBuiltCode: 'REGISTRY_PAGE_NOT_BUILT',
  });
}

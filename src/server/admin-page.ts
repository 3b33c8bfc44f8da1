import type { FastifyInstance } from 'fastify';

import { registerUiPage } from './ui-page.js';

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
  await registerUiPage(app, {
    uiDir: options.uiDir,
    path: ADMIN_PAGE_PATH,
    file: ADMIN_PAGE_FILE,
    name: 'dashboard',
    notBuiltCode: 'ADMIN_PAGE_NOT_BUILT',
  });
}

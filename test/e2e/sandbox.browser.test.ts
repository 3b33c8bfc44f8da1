import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { defaultUiDir, registerSandbox } from '../../src/server/sandbox.js';
import type { RunningGateway } from '../../src/server/start.js';
import { startTestGateway } from '../helpers/gateway.js';
import {
  SELECTORS,
  blockExternalRequests,
  launchChromium,
  openSandbox,
  runQueryInSandbox,
  setQuery,
} from '../helpers/browser.js';
import type { ChromiumSession } from '../helpers/browser.js';

describe('sandbox routes', () => {
  it('answers 503 with a GraphQL-shaped error when the UI is not built', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'gatehouse-no-ui-'));
    const app = Fastify();
    try {
      await registerSandbox(app, { uiDir: emptyDir });
      for (const url of ['/sandbox', '/sandbox/', '/sandbox/assets/index.js']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(503);
        expect(response.json()).toEqual({
          errors: [
            {
              message: 'The sandbox UI is not built: run npm run build',
              extensions: { code: 'SANDBOX_NOT_BUILT' },
            },
          ],
        });
      }
    } finally {
      await app.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('resolves the default UI directory to dist/ui under the package root', () => {
    expect(defaultUiDir()).toBe(join(process.cwd(), 'dist', 'ui'));
  });
});

describe('sandbox in a browser', () => {
  let accounts: RunningService | undefined;
  let gateway: RunningGateway | undefined;
  let baseUrl = '';
  let browser: ChromiumSession | undefined;
  let page: Page;
  let blocked: string[] = [];

  beforeAll(async () => {
    const uiDir = defaultUiDir();
    if (!existsSync(join(uiDir, 'index.html'))) {
      throw new Error(`The sandbox UI is not built in ${uiDir}: run npm run build:ui first`);
    }
    accounts = await serveSubgraph(accountsSubgraph);
    gateway = await startTestGateway([accounts]);
    baseUrl = gateway.url;
    browser = await launchChromium();
    blocked = await blockExternalRequests(browser.context);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await accounts?.close();
  });

  it('redirects / to /sandbox/ and /sandbox to /sandbox/', async () => {
    const root = await fetch(new URL('/', baseUrl), { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/sandbox/');

    const sandbox = await fetch(new URL('/sandbox', baseUrl), { redirect: 'manual' });
    expect(sandbox.status).toBe(301);
    expect(sandbox.headers.get('location')).toBe('/sandbox/');

    const page = await fetch(new URL('/sandbox/', baseUrl));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>Gatehouse sandbox</title>');
  });

  it('runs a query from the sandbox without loading anything from the internet', async () => {
    await openSandbox(page, baseUrl);
    expect(new URL(page.url()).pathname).toBe('/sandbox/');
    expect(await page.title()).toBe('Gatehouse sandbox');

    // The explorer plugin: its sidebar button opens a panel listing the schema's root fields.
    const explorerButton = page.locator(SELECTORS.explorerButton);
    await expect(explorerButton.count()).resolves.toBe(1);
    await explorerButton.click();
    await page.locator(SELECTORS.pluginPanel).getByText('me', { exact: true }).waitFor();

    const result = await runQueryInSandbox(page, '{\n  me {\n    username\n  }\n}');
    expect(result).toContain('"username": "mokafor"');
    const responseText = await page.locator(SELECTORS.response).innerText();
    expect(responseText.replace(/\u00a0/g, ' ')).toContain('"username": "mokafor"');

    expect(blocked).toEqual([]);
  });

  it('validates the query against the schema (the Monaco GraphQL worker runs)', async () => {
    await setQuery(page, '{\n  me {\n    id\n  }\n  notAField\n}');
    await page
      .locator(`${SELECTORS.queryEditor} .squiggly-error`)
      .first()
      .waitFor({ state: 'attached', timeout: 10_000 });
    expect(blocked).toEqual([]);
  });

  it('opens the sandbox when a browser visits /', async () => {
    await page.goto(new URL('/', baseUrl).toString());
    expect(new URL(page.url()).pathname).toBe('/sandbox/');
    await page.locator(SELECTORS.queryEditor).waitFor({ state: 'visible' });
    expect(blocked).toEqual([]);
  });
});

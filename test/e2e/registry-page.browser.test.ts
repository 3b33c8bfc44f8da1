import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify, { type FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerRegistryApi } from '../../src/registry/http-api.js';
import { createRegistry } from '../../src/registry/service.js';
import type { Registry } from '../../src/registry/types.js';
import { registerRegistryPage } from '../../src/server/registry-page.js';
import { defaultUiDir, registerSandbox } from '../../src/server/sandbox.js';
import { openStore, type Store } from '../../src/store/index.js';
import { blockExternalRequests, launchChromium, type ChromiumSession } from '../helpers/browser.js';

const TOKEN = { name: 'ci-bot', token: 'registry-page-test-token-0123456789' };
const STAGES = ['dev', 'test', 'prod'] as const;
const MAX_SCHEMA_BYTES = 1024 * 1024;
const PRODUCTS_URL = 'http://127.0.0.1:4001/graphql';

const productsSdl = (extraField = '') => `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { products: [Product!]! }
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    ${extraField}
  }
`;

interface RegistryServer {
  url: string;
  close(): Promise<void>;
}

/** The registry API and its page on one Fastify app, as the gateway and `gatehouse registry` mount them. */
async function serveRegistry(registry: Registry, readsNeedToken: boolean): Promise<RegistryServer> {
  const app: FastifyInstance = Fastify();
  await registerRegistryApi(app, {
    registry,
    tokens: [TOKEN],
    readsNeedToken,
    maxSchemaBytes: MAX_SCHEMA_BYTES,
  });
  await registerRegistryPage(app, { uiDir: defaultUiDir() });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

async function publish(baseUrl: string, stage: string, body: Record<string, unknown>): Promise<number> {
  const response = await fetch(new URL(`/registry/v1/stages/${stage}/subgraphs`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN.token}` },
    body: JSON.stringify(body),
  });
  const outcome = (await response.json()) as { status: string; version?: { id: number } };
  expect(response.status, JSON.stringify(outcome)).toBe(201);
  expect(outcome.status).toBe('created');
  return outcome.version?.id ?? Number.NaN;
}

describe('registry page routes', () => {
  it('answers 503 on the page paths, and leaves the API alone, when the UI is not built', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'gatehouse-no-ui-'));
    const app = Fastify();
    app.get('/registry/v1/stages', async () => ({ stages: [] }));
    try {
      await registerRegistryPage(app, { uiDir: emptyDir });
      for (const url of ['/registry/', '/registry/assets/registry.js']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(503);
        expect(response.json()).toEqual({
          error: {
            code: 'REGISTRY_PAGE_NOT_BUILT',
            message: 'The registry page is not built: run npm run build',
          },
        });
      }
      const api = await app.inject({ method: 'GET', url: '/registry/v1/stages' });
      expect(api.json()).toEqual({ stages: [] });
    } finally {
      await app.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });
  it('sits beside the sandbox on one app: each page at its own path only', async () => {
    const app = Fastify();
    try {
      await registerSandbox(app, { uiDir: defaultUiDir() });
      await registerRegistryPage(app, { uiDir: defaultUiDir() });
      const get = (url: string) => app.inject({ method: 'GET', url });
      expect((await get('/sandbox/')).body).toContain('<title>Gatehouse sandbox</title>');
      expect((await get('/registry/')).body).toContain('<title>Gatehouse registry</title>');
      expect((await get('/sandbox/registry.html')).statusCode).toBe(404);
      expect((await get('/registry/index.html')).statusCode).toBe(404);
      expect((await get('/registry/assets/../registry.html')).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('registry page in a browser', () => {
  let directory = '';
  let store: Store | undefined;
  let registry: Registry | undefined;
  let open: RegistryServer | undefined;
  let locked: RegistryServer | undefined;
  let browser: ChromiumSession | undefined;
  let blocked: string[] = [];
  const versionIds: number[] = [];

  beforeAll(async () => {
    const uiDir = defaultUiDir();
    if (!existsSync(join(uiDir, 'registry.html'))) {
      throw new Error(`The registry page is not built in ${uiDir}: run npm run build:ui first`);
    }
    directory = await mkdtemp(join(tmpdir(), 'gatehouse-registry-page-'));
    store = await openStore({ sqlite: join(directory, 'registry.db') });
    const service = createRegistry({
      repository: store.registry,
      stages: STAGES,
      usageWindowDays: 7,
      maxSchemaBytes: MAX_SCHEMA_BYTES,
    });
    registry = service;
    open = await serveRegistry(service, false);
    // The same registry served as by a process in stage prod: reads need the token too.
    locked = await serveRegistry(service, true);

    versionIds.push(
      await publish(open.url, 'dev', {
        name: 'products',
        url: PRODUCTS_URL,
        owner: 'team-catalog',
        sdl: productsSdl(),
      }),
      await publish(open.url, 'dev', {
        name: 'products',
        url: PRODUCTS_URL,
        owner: 'team-catalog',
        sdl: productsSdl('price: Float'),
      }),
    );

    browser = await launchChromium();
    blocked = await blockExternalRequests(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await open?.close();
    await locked?.close();
    await registry?.close();
    await store?.close();
    if (directory !== '') await rm(directory, { recursive: true, force: true });
  });

  it('serves the page at /registry/ with headers that keep it to its own origin', async () => {
    const redirect = await fetch(new URL('/registry', open?.url), { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/registry/');

    const page = await fetch(new URL('/registry/', open?.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<title>Gatehouse registry</title>');

    const script = /src="\.\/(assets\/registry-[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(`/registry/${script}`, open?.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);

    // The API keeps its own paths and errors.
    const missing = await fetch(new URL('/registry/v1/nothing-here', open?.url));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('shows the stages, the subgraphs with owner and URL, the history and the diff of two versions', async () => {
    const page = await newPage();
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(new URL('/registry', open?.url).toString());
    expect(new URL(page.url()).pathname).toBe('/registry/');
    expect(await page.title()).toBe('Gatehouse registry');

    const stages = page.getByRole('navigation', { name: 'Stages' });
    for (const stage of STAGES) await stages.getByRole('link', { name: new RegExp(`^${stage}`) }).waitFor();
    expect(await stages.getByRole('link', { name: /^dev/ }).getAttribute('aria-current')).toBe('page');
    await stages.getByText(`version ${versionIds[1]} · 1 subgraph`).waitFor();

    const subgraphs = page.getByRole('table', { name: 'Subgraphs' });
    const products = subgraphs.getByRole('row', { name: /products/ });
    await products.waitFor();
    expect(await products.innerText()).toContain('team-catalog');
    expect(await products.innerText()).toContain(PRODUCTS_URL);
    expect(await products.innerText()).toContain(TOKEN.name);

    const history = page.getByRole('table', { name: 'History' });
    await history.waitFor();
    const rows = history.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    // Newest first.
    expect(await rows.nth(0).locator('th').innerText()).toBe(String(versionIds[1]));
    expect(await rows.nth(1).locator('th').innerText()).toBe(String(versionIds[0]));
    expect(await rows.nth(0).innerText()).toContain('publish products');
    expect(await rows.nth(0).innerText()).toContain(TOKEN.name);

    // By default the diff is of the newest version against the one before it.
    const diff = page.getByLabel(`Diff from ${versionIds[0]} to ${versionIds[1]}`);
    await diff.waitFor();
    const added = diff.getByRole('table', { name: 'Schema changes' }).getByRole('row', { name: /price/ });
    await added.waitFor();
    expect(await added.innerText()).toContain('NON_BREAKING');
    expect(await added.innerText()).toContain('Product.price');
    expect(await diff.locator('pre').innerText()).toContain('price');

    // Choosing the versions the other way round shows the field removed.
    await page.getByLabel('From', { exact: true }).selectOption(String(versionIds[1]));
    await page.getByLabel('to', { exact: true }).selectOption(String(versionIds[0]));
    const reversed = page.getByLabel(`Diff from ${versionIds[1]} to ${versionIds[0]}`);
    await reversed.getByRole('row', { name: /price/ }).getByText('BREAKING', { exact: true }).waitFor();

    // An empty stage says so.
    await stages.getByRole('link', { name: /^test/ }).click();
    await page.getByText('This stage is empty').waitFor();
    await page.getByText('No subgraph is published in this stage.').waitFor();
    await page.getByText('No version has been stored in this stage.').waitFor();
    expect(new URL(page.url()).hash).toBe('#test');

    // Read-only: nothing on the page submits or changes anything.
    expect(await page.locator('form').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it('asks for the token when reads need one, keeps it for the tab, and then shows the registry', async () => {
    const page = await newPage();
    const authorizations: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/registry/v1/')) {
        authorizations.push(request.headers()['authorization']);
      }
    });
    await page.goto(new URL('/registry/', locked?.url).toString());

    const form = page.getByRole('form', { name: 'Registry token' });
    await form.waitFor();
    expect(await page.getByRole('navigation', { name: 'Stages' }).count()).toBe(0);

    await form.getByLabel('Admin token').fill('not-the-token');
    await form.getByRole('button', { name: 'Use token' }).click();
    await form.getByText('The registry refused that token.').waitFor();

    await form.getByLabel('Admin token').fill(TOKEN.token);
    await form.getByRole('button', { name: 'Use token' }).click();
    await page
      .getByRole('table', { name: 'Subgraphs' })
      .getByRole('row', { name: /products/ })
      .waitFor();
    await page.getByRole('table', { name: 'History' }).locator('tbody tr').nth(1).waitFor();
    expect(authorizations).toContain(`Bearer ${TOKEN.token}`);

    // A reload keeps the token (sessionStorage); forgetting it brings the form back.
    await page.reload();
    await page
      .getByRole('table', { name: 'Subgraphs' })
      .getByRole('row', { name: /products/ })
      .waitFor();
    await page.getByRole('button', { name: 'Forget token' }).click();
    await page.getByRole('form', { name: 'Registry token' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    expect(blocked).toEqual([]);
    await page.close();
  });

  async function newPage(): Promise<Page> {
    if (!browser) throw new Error('the browser did not start');
    return browser.context.newPage();
  }
});

/** Console errors, such as a script or style the page's content security policy refused. */
function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

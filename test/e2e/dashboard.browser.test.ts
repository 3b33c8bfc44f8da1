import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify from 'fastify';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleServices } from '../../subgraphs/index.js';
import type { RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { registerAdminPage } from '../../src/server/admin-page.js';
import { defaultUiDir } from '../../src/server/sandbox.js';
import type { RunningGateway } from '../../src/server/start.js';
import type { DashboardStats } from '../../src/telemetry/dashboard/index.js';
import { blockExternalRequests, launchChromium, type ChromiumSession } from '../helpers/browser.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';

/** Screenshots are kept here as test artifacts (git-ignored). */
const ARTIFACTS = 'test-results';
const ADMIN_TOKEN = { name: 'ops', token: 'dashboard-test-admin-token-0123456789' };
const GRAPH = ['accounts', 'products', 'reviews'];

const TOP_PRODUCTS = 'query TopProducts { topProducts { upc name reviews { body } } }';
const ME = 'query Me { me { id username } }';

interface Running {
  services: Map<string, RunningService>;
  gateway: RunningGateway;
  close(): Promise<void>;
}

async function startGraph(overrides: Record<string, unknown>): Promise<Running> {
  const services = new Map<string, RunningService>();
  for (const example of exampleServices.filter(({ name }) => GRAPH.includes(name))) {
    services.set(example.name, await example.start({ port: 0 }));
  }
  const gateway = await startTestGateway(
    [...services.values()].map(({ name, url }) => ({ name, url })),
    overrides,
  );
  return {
    services,
    gateway,
    async close() {
      await gateway.close();
      await Promise.all([...services.values()].map((service) => service.close()));
    },
  };
}

async function stats(baseUrl: string, token?: string): Promise<Response> {
  return fetch(new URL('/admin/api/stats', baseUrl), {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

/** How many pixels of a chart's canvas have roughly the series colour `rgb`. */
async function pixelsOfColour(page: Page, chart: string, rgb: [number, number, number]): Promise<number> {
  return page.locator(`figure[data-chart="${chart}"] canvas`).evaluate((canvas, [r, g, b]) => {
    const element = canvas as HTMLCanvasElement;
    const context = element.getContext('2d');
    if (context === null) return 0;
    const { data } = context.getImageData(0, 0, element.width, element.height);
    let matching = 0;
    for (let at = 0; at < data.length; at += 4) {
      const close =
        Math.abs((data[at] ?? 0) - r) < 40 &&
        Math.abs((data[at + 1] ?? 0) - g) < 40 &&
        Math.abs((data[at + 2] ?? 0) - b) < 40 &&
        (data[at + 3] ?? 0) > 128;
      if (close) matching++;
    }
    return matching;
  }, rgb);
}

async function chartPoints(page: Page, chart: string): Promise<number> {
  return Number(await page.locator(`figure[data-chart="${chart}"]`).getAttribute('data-points'));
}

beforeAll(() => {
  const uiDir = defaultUiDir();
  if (!existsSync(join(uiDir, 'admin.html'))) {
    throw new Error(`The dashboard is not built in ${uiDir}: run npm run build:ui first`);
  }
});

describe('dashboard routes', () => {
  it('answers 503 on the page paths when the UI is not built', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'gatehouse-no-ui-'));
    const app = Fastify();
    try {
      await registerAdminPage(app, { uiDir: emptyDir });
      for (const url of ['/admin/', '/admin/assets/admin.js']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(503);
        expect(response.json()).toEqual({
          error: {
            code: 'ADMIN_PAGE_NOT_BUILT',
            message: 'The dashboard page is not built: run npm run build',
          },
        });
      }
    } finally {
      await app.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('serves neither the page nor the stats when the dashboard is off', async () => {
    const graph = await startGraph({ telemetry: { dashboard: { enabled: false } } });
    try {
      for (const path of ['/admin/', '/admin/api/stats']) {
        expect((await fetch(new URL(path, graph.gateway.url))).status, path).toBe(404);
      }
    } finally {
      await graph.close();
    }
  });

  it('serves the page as a static shell that runs only its own scripts', async () => {
    const graph = await startGraph({});
    try {
      const redirect = await fetch(new URL('/admin', graph.gateway.url), { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/admin/');
      const page = await fetch(new URL('/admin/', graph.gateway.url));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await page.text()).toContain('<title>Gatehouse dashboard</title>');
      // The sandbox's static files do not serve it under /sandbox/ without those headers.
      expect((await fetch(new URL('/sandbox/admin.html', graph.gateway.url))).status).not.toBe(200);
    } finally {
      await graph.close();
    }
  });
});

describe('the dashboard outside production stages', () => {
  let graph: Running | undefined;
  let browser: ChromiumSession | undefined;
  let blocked: string[] = [];

  beforeAll(async () => {
    graph = await startGraph({
      // A breaker that opens after two failures: the dashboard shows it open once reviews stops.
      transport: { circuitBreaker: { all: { enabled: true, failureThreshold: 2, resetTimeoutMs: 60_000 } } },
    });
    browser = await launchChromium();
    blocked = await blockExternalRequests(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await graph?.close();
  });

  it('answers the stats API with the traffic of the last hour, exactly counted', async () => {
    const { gateway } = graph!;
    for (let i = 0; i < 12; i++)
      expect((await postGraphQL(gateway.graphqlUrl, { query: TOP_PRODUCTS })).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await postGraphQL(gateway.graphqlUrl, { query: ME })).status).toBe(200);
    // An invalid operation: an error, but no refusal.
    expect((await postGraphQL(gateway.graphqlUrl, { query: '{ notAField }' })).status).toBe(400);
    // A possible CSRF (a GET without a preflight header): refused by the csrf-prevention plugin.
    const refused = await fetch(`${gateway.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`);
    expect(refused.status).toBe(400);

    const response = await stats(gateway.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as DashboardStats;
    expect(body.workers).toBe(1);
    expect(body.windowSeconds).toBe(3600);
    expect(body.series.time).toHaveLength(720);
    expect(body.totals.requests).toBe(19);
    expect(body.totals.errors).toBe(2);
    expect(body.totals.p95).toBeGreaterThan(0);
    const byName = new Map(body.operations.byCount.map((row) => [row.name, row]));
    expect(byName.get('TopProducts')?.count).toBe(12);
    expect(byName.get('Me')?.count).toBe(5);
    expect(body.refusals.byReason).toEqual([{ plugin: 'csrf-prevention', code: 'CSRF_PREVENTED', count: 1 }]);
    const subgraphs = new Map(body.subgraphs.map((row) => [row.name, row]));
    expect(subgraphs.get('products')?.calls).toBe(12);
    expect(subgraphs.get('accounts')?.calls).toBe(5);
    expect(subgraphs.get('reviews')?.calls).toBeGreaterThanOrEqual(12);
    expect(subgraphs.get('reviews')?.breakers).toEqual({ closed: 1, open: 0, halfOpen: 0 });
    // The dashboard's own requests are not GraphQL traffic.
    expect(((await (await stats(gateway.url)).json()) as DashboardStats).totals.requests).toBe(19);
  });

  it('shows non-empty charts and tables, offline, and refreshes them live', async () => {
    const { gateway, services } = graph!;
    // Reviews goes away: its calls fail, and its breaker opens after two of them.
    await services.get('reviews')?.close();
    for (let i = 0; i < 4; i++) await postGraphQL(gateway.graphqlUrl, { query: TOP_PRODUCTS });

    const page = await browser!.context.newPage();
    // A script or style the page's CSP refuses shows up as a console error.
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(new URL('/admin', gateway.url).toString());
    expect(new URL(page.url()).pathname).toBe('/admin/');
    expect(await page.title()).toBe('Gatehouse dashboard');
    await page.locator('figure[data-chart="Requests per second"] canvas').first().waitFor();

    for (const chart of ['Requests per second', 'Latency', 'Error rate', 'Subgraph latency (p95)']) {
      expect(await chartPoints(page, chart), chart).toBeGreaterThan(0);
    }
    expect(await chartPoints(page, 'Refusals per 5 s')).toBeGreaterThan(0);
    expect(await chartPoints(page, 'Subgraph errors per minute')).toBeGreaterThan(0);
    // The lines are drawn: the requests line in its colour, the p99 dots (drawn last, on top) in theirs.
    expect(await pixelsOfColour(page, 'Requests per second', [0x1f, 0x77, 0xb4])).toBeGreaterThan(20);
    expect(await pixelsOfColour(page, 'Latency', [0xc9, 0x2a, 0x2a])).toBeGreaterThan(5);

    const operations = page.getByRole('table', { name: 'Top operations by count' });
    await expect(operations.getByRole('row', { name: /TopProducts/ }).innerText()).resolves.toContain('16');
    const subgraphs = page.getByRole('table', { name: 'Subgraphs' });
    await expect(subgraphs.getByRole('row', { name: /reviews/ }).innerText()).resolves.toMatch(/open/);
    const refusals = page.getByRole('table', { name: 'Refusals' });
    await expect(refusals.innerText()).resolves.toContain('CSRF_PREVENTED');

    // Live: more traffic shows up at the next poll, without a reload.
    const before = await page.locator('.summary .figure').first().innerText();
    expect(before).toContain('23');
    for (let i = 0; i < 7; i++) await postGraphQL(gateway.graphqlUrl, { query: ME });
    await page
      .locator('.summary .figure')
      .first()
      .getByText('30', { exact: true })
      .waitFor({ timeout: 15_000 });

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(blocked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

describe('the dashboard in a production stage', () => {
  let graph: Running | undefined;
  let browser: ChromiumSession | undefined;

  beforeAll(async () => {
    graph = await startGraph({ stage: 'prod', registry: { tokens: [ADMIN_TOKEN] } });
    browser = await launchChromium();
    await blockExternalRequests(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await graph?.close();
  });

  it('needs an admin token for the stats', async () => {
    const { gateway } = graph!;
    await postGraphQL(gateway.graphqlUrl, { query: ME });
    const missing = await stats(gateway.url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.stringify(await missing.json())).toContain('authorization: Bearer');
    const wrong = await stats(gateway.url, 'not-the-admin-token-at-all');
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain('"requests"');
    const right = await stats(gateway.url, ADMIN_TOKEN.token);
    expect(right.status).toBe(200);
    expect(((await right.json()) as DashboardStats).totals.requests).toBe(1);
  });

  it('asks for the token once, and shows the charts with it', async () => {
    const { gateway } = graph!;
    const page = await browser!.context.newPage();
    await page.goto(new URL('/admin/', gateway.url).toString());
    const form = page.getByRole('form', { name: 'Admin token' });
    await form.waitFor();
    expect(await page.locator('figure[data-chart]').count()).toBe(0);

    await form.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await form.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('alert').getByText('not an admin token').waitFor();
    expect(await page.locator('figure[data-chart]').count()).toBe(0);

    await form.getByLabel('Admin token').fill(ADMIN_TOKEN.token);
    await form.getByRole('button', { name: 'Use token' }).click();
    await page.locator('figure[data-chart="Requests per second"] canvas').waitFor();
    expect(await chartPoints(page, 'Requests per second')).toBeGreaterThan(0);

    // Kept for the tab's session: a reload does not ask again.
    await page.reload();
    await page.locator('figure[data-chart="Requests per second"] canvas').waitFor();
    await page.close();
  });
});

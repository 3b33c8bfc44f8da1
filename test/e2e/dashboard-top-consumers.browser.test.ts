import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { defaultUiDir } from '../../src/server/sandbox.js';
import type { RunningGateway } from '../../src/server/start.js';
import { blockExternalRequests, launchChromium, type ChromiumSession } from '../helpers/browser.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';

/**
 * The dashboard's "Top consumers today" table: the callers with the most admitted requests, from
 * the traffic store's ranking, updated live; absent when the gateway has no traffic control.
 */
const QUERY = { query: '{ me { id } }' };
const TRAFFIC = { defaultPlan: 'free', plans: { free: { quota: '1000/day', key: 'header:x-client' } } };

let accounts: RunningService;
let browser: ChromiumSession;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  if (!existsSync(join(defaultUiDir(), 'admin.html')))
    throw new Error(`The dashboard is not built in ${defaultUiDir()}: run npm run build:ui first`);
  accounts = await serveSubgraph(accountsSubgraph);
  browser = await launchChromium();
  await blockExternalRequests(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await accounts?.close();
});

async function start(overrides: Record<string, unknown>): Promise<RunningGateway> {
  const gateway = await startTestGateway([{ name: 'accounts', url: accounts.url }], overrides);
  gateways.push(gateway);
  return gateway;
}

/** Script errors and console errors (a failed request is one). */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

describe('the top consumers on the dashboard', () => {
  it("lists today's heaviest callers and follows new traffic", async () => {
    const gateway = await start({ traffic: TRAFFIC });
    const send = (client: string) => postGraphQL(gateway.graphqlUrl, QUERY, { 'x-client': client });
    for (let i = 0; i < 3; i++) expect((await send('alpha')).status).toBe(200);
    expect((await send('beta')).status).toBe(200);

    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(new URL('/admin/', gateway.url).toString());
    const table = page.getByRole('table', { name: 'Top consumers today' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect(rows.nth(0).innerText()).resolves.toMatch(/header:x-client=alpha\s+3/);
    await expect(rows.nth(1).innerText()).resolves.toMatch(/header:x-client=beta\s+1/);

    // beta overtakes alpha: the next poll shows it first, without a reload.
    for (let i = 0; i < 4; i++) expect((await send('beta')).status).toBe(200);
    await rows.nth(0).getByText('header:x-client=beta').waitFor({ timeout: 15_000 });
    await expect(rows.nth(0).innerText()).resolves.toMatch(/5$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is absent without traffic control', async () => {
    const gateway = await start({});
    expect((await fetch(new URL('/admin/api/top-consumers', gateway.url))).status).toBe(404);
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(new URL('/admin/', gateway.url).toString());
    await page.getByRole('table', { name: 'Refusals' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('table', { name: 'Top consumers today' }).count()).toBe(0);
    // The page never asked for them: no 404 in the console.
    expect(errors).toEqual([]);
    await page.close();
  });
});

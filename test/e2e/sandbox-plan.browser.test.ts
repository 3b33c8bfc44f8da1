import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleServices } from '../../subgraphs/index.js';
import type { RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { defaultUiDir } from '../../src/server/sandbox.js';
import type { RunningGateway } from '../../src/server/start.js';
import {
  SELECTORS,
  blockExternalRequests,
  launchChromium,
  openSandbox,
  readEditorText,
  type ChromiumSession,
} from '../helpers/browser.js';
import { startTestGateway } from '../helpers/gateway.js';

/** Screenshots are kept here as test artifacts (git-ignored). */
const ARTIFACTS = 'test-results';
const ADMIN_TOKEN = { name: 'ops', token: 'sandbox-plan-test-admin-token-0123456789' };
const GRAPH = ['accounts', 'products', 'reviews'];
const PLAN = 'pre[aria-label="Query plan"]';
const CALLS = 'table[aria-label="Subgraph calls"]';

interface Running {
  gateway: RunningGateway;
  close(): Promise<void>;
}

async function startGraph(overrides: Record<string, unknown>): Promise<Running> {
  const services: RunningService[] = [];
  for (const example of exampleServices.filter(({ name }) => GRAPH.includes(name))) {
    services.push(await example.start({ port: 0 }));
  }
  const gateway = await startTestGateway(
    services.map(({ name, url }) => ({ name, url })),
    overrides,
  );
  return {
    gateway,
    async close() {
      await gateway.close();
      await Promise.all(services.map((service) => service.close()));
    },
  };
}

/** Opens the sandbox and waits for the example operation to replace the welcome text's end. */
async function openWithExample(page: Page, baseUrl: string): Promise<string> {
  // Fail at the step that does not happen, well within the test's own timeout.
  page.setDefaultTimeout(10_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await openSandbox(page, baseUrl);
  let text = '';
  const deadline = Date.now() + 15_000;
  while (!text.includes('query Example')) {
    if (Date.now() > deadline) throw new Error(`No example query in the editor; it shows:\n${text}`);
    await page.waitForTimeout(100);
    text = await readEditorText(page, SELECTORS.queryEditor);
  }
  return text;
}

/** Clicks run and returns the GraphQL request the sandbox sent and the JSON it got back. */
async function run(page: Page): Promise<{ request: Request; body: Record<string, unknown> }> {
  const answered = page.waitForResponse((response) => {
    const request = response.request();
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/graphql') return false;
    const body = request.postDataJSON() as { operationName?: string } | null;
    return body?.operationName !== 'IntrospectionQuery';
  });
  await page.locator(SELECTORS.runButton).click();
  const response = await answered;
  return { request: response.request(), body: (await response.json()) as Record<string, unknown> };
}

beforeAll(() => {
  if (!existsSync(join(defaultUiDir(), 'index.html'))) {
    throw new Error(`The sandbox UI is not built in ${defaultUiDir()}: run npm run build:ui first`);
  }
});

describe('the sandbox outside production stages', () => {
  let graph: Running | undefined;
  let browser: ChromiumSession | undefined;
  let blocked: string[] = [];

  beforeAll(async () => {
    graph = await startGraph({});
    browser = await launchChromium();
    blocked = await blockExternalRequests(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await graph?.close();
  });

  it('opens with an example operation from the served graph, which runs', async () => {
    const page = await browser!.context.newPage();
    const text = await openWithExample(page, graph!.gateway.url);
    // The first root field without required arguments (accounts' `me`), a few scalars, and one
    // nested object that another subgraph resolves (reviews' `User.reviews`).
    expect(text).toMatch(
      /query Example \{\s+me \{\s+id\s+name\s+username\s+email\s+reviews \{\s+id\s+body\s+rating/,
    );
    const { request, body } = await run(page);
    // The plan toggle is off: nothing is asked for, and the answer is the plain result.
    expect(request.headers()['apollo-query-plan-experimental']).toBeUndefined();
    expect(body.errors).toBeUndefined();
    expect(JSON.stringify(body.data)).toContain('"username":"mokafor"');
    await page.close();
  });

  it('shows the query plan and the subgraph calls of the example operation', async () => {
    const page = await browser!.context.newPage();
    await openWithExample(page, graph!.gateway.url);
    await page.getByRole('button', { name: 'Ask for the query plan' }).click();
    await expect(
      page.getByRole('button', { name: 'Stop asking for the query plan' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    const { request, body } = await run(page);
    expect(request.headers()['apollo-query-plan-experimental']).toBe('true');
    expect((body.extensions as Record<string, unknown>)['__queryPlanExperimental']).toEqual(
      expect.stringContaining('QueryPlan'),
    );

    const plan = page.locator(PLAN);
    await plan.waitFor();
    const planText = await plan.innerText();
    expect(planText).toMatch(/^QueryPlan \{/);
    expect(planText).toContain('Fetch(service: "accounts")');
    expect(planText).toContain('Fetch(service: "reviews")');
    const calls = page.locator(CALLS);
    await expect(calls.locator('tbody tr').count()).resolves.toBe(2);
    await expect(calls.innerText()).resolves.toMatch(/accounts\s+\d+\.\d ms/);
    await expect(calls.innerText()).resolves.toMatch(/reviews\s+\d+\.\d ms/);
    // The response pane shows the result without the plan (the panel shows it).
    const shown = await page.locator(SELECTORS.response).innerText();
    expect(shown).toContain('mokafor');
    expect(shown).not.toContain('__queryPlanExperimental');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-plan.png') });
    expect(blocked).toEqual([]);
    await page.close();
  });
});

describe('the sandbox in a production stage', () => {
  let graph: Running | undefined;
  let browser: ChromiumSession | undefined;

  beforeAll(async () => {
    graph = await startGraph({
      stage: 'prod',
      sandbox: true,
      introspection: true,
      registry: { tokens: [ADMIN_TOKEN] },
    });
    browser = await launchChromium();
    await blockExternalRequests(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await graph?.close();
  });

  it('shows no query plan without an admin token, and shows it with one', async () => {
    const page = await browser!.context.newPage();
    await openWithExample(page, graph!.gateway.url);
    await page.getByRole('button', { name: 'Ask for the query plan' }).click();

    const refused = await run(page);
    expect(refused.request.headers()['apollo-query-plan-experimental']).toBe('true');
    expect(refused.body.extensions).toBeUndefined();
    expect(JSON.stringify(refused.body.data)).toContain('mokafor');
    await page.getByRole('status').filter({ hasText: 'No query plan' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'No subgraph calls' }).waitFor();
    expect(await page.locator(PLAN).count()).toBe(0);

    await page.getByLabel('Admin token (production stages)').fill(ADMIN_TOKEN.token);
    await page.getByRole('button', { name: 'Use', exact: true }).click();
    const allowed = await run(page);
    expect(allowed.request.headers()['gatehouse-admin-token']).toBe(ADMIN_TOKEN.token);
    await page.locator(PLAN).waitFor();
    expect(await page.locator(PLAN).innerText()).toContain('Fetch(service: "accounts")');
    await expect(page.locator(CALLS).locator('tbody tr').count()).resolves.toBe(2);
    await page.close();
  });
});

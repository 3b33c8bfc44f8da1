import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import type { BrowserContext, Page, Request } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SELECTORS = {
  queryEditor: '.graphiql-query-editor .monaco-editor',
  runButton: 'button.graphiql-execute-button',
  response: '.graphiql-response',
  /** The sidebar button of @graphiql/plugin-explorer ("Show GraphiQL Explorer" / "Hide …"). */
  explorerButton: '.graphiql-sidebar button[aria-label$="GraphiQL Explorer"]',
  /** The panel of whichever sidebar plugin is open. */
  pluginPanel: '.graphiql-plugin',
} as const;

export interface ChromiumSession {
  context: BrowserContext;
  /** Closes the browser and deletes its profile directory. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium with a fresh profile: GraphiQL keeps its tabs and queries in localStorage, so
 * a shared profile would leak state between runs.
 */
export async function launchChromium(): Promise<ChromiumSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'gatehouse-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}

/**
 * Aborts every request (and records every WebSocket) that does not go to one of `allowedHosts`, so that a
 * page that would load anything from the internet fails visibly. Returns the live list of blocked URLs.
 */
export async function blockExternalRequests(
  context: BrowserContext,
  allowedHosts: readonly string[] = ['127.0.0.1'],
): Promise<string[]> {
  const blocked: string[] = [];
  const record = (url: string) => {
    if (!blocked.includes(url)) blocked.push(url);
  };
  const isAllowed = (url: string): boolean => {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return allowedHosts.includes(hostname);
  };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isAllowed(url)) {
      await route.continue();
    } else {
      record(url);
      await route.abort('blockedbyclient');
    }
  });
  // Catch whatever routing does not see (e.g. WebSockets).
  const watchPage = (page: Page) => {
    page.on('websocket', (ws) => {
      if (!isAllowed(ws.url())) record(ws.url());
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  context.on('request', (request: Request) => {
    if (!isAllowed(request.url())) record(request.url());
  });
  return blocked;
}

/** Opens the sandbox at `${baseUrl}/sandbox` and waits until the query editor is ready. */
export async function openSandbox(page: Page, baseUrl: string): Promise<void> {
  await page.goto(new URL('/sandbox', baseUrl).toString());
  await page.locator(SELECTORS.queryEditor).waitFor({ state: 'visible' });
  await page.locator(SELECTORS.runButton).waitFor({ state: 'visible' });
}

/**
 * Replaces the content of the query editor with `query`. Typing multi-line text into Monaco is mangled by
 * auto-closing brackets and auto-indent, so the text is pasted with a synthetic paste event.
 */
export async function setQuery(page: Page, query: string): Promise<void> {
  const editor = page.locator(SELECTORS.queryEditor);
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await editor.locator('textarea').evaluate((textarea, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    textarea.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, query);
  // Only the visible lines are rendered: a long query shows as a prefix of itself.
  const expected = squash(query);
  await waitUntil(async () => {
    const shown = squash(await readEditorText(page, SELECTORS.queryEditor));
    return shown.length > 0 && expected.startsWith(shown);
  }, 'the query editor to show the pasted query');
  // GraphiQL takes in an edit 100 ms later (debounced): until then a run would send the previous
  // query's operation name. It stores the query in the same step that settles the operation name.
  await waitUntil(
    async () =>
      squash((await page.evaluate(() => localStorage.getItem('graphiql:query'))) ?? '') === expected,
    'GraphiQL to take in the pasted query',
  );
}

/**
 * The text Monaco shows in the response editor. Monaco renders only the visible lines, and not in order:
 * sort them by their vertical position. A long response is therefore truncated to what fits on screen.
 */
export async function readResponse(page: Page): Promise<string> {
  return readEditorText(page, SELECTORS.response);
}

/** The text of the Monaco editor inside `container`, its rendered lines sorted top to bottom. */
export async function readEditorText(page: Page, container: string): Promise<string> {
  return page
    .locator(`${container} .view-lines`)
    .first()
    .evaluate((root) =>
      Array.from(root.querySelectorAll<HTMLElement>('.view-line'))
        .map((line) => ({ top: Number.parseFloat(line.style.top) || 0, text: line.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
}

/**
 * Puts `query` in the editor, clicks run, and returns the response as shown in `.graphiql-response` once
 * it displays the result of this very request.
 */
export async function runQueryInSandbox(page: Page, query: string): Promise<string> {
  await setQuery(page, query);
  const executed = page.waitForResponse((response) => {
    const request = response.request();
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/graphql') return false;
    const body: unknown = request.postDataJSON();
    return !(isRecord(body) && body['operationName'] === 'IntrospectionQuery');
  });
  await page.locator(SELECTORS.runButton).click();
  const response = await executed;
  const expected = squash(JSON.stringify(await response.json(), null, 2));
  // GraphiQL prints the result with JSON.stringify(…, null, 2); compare without whitespace, and accept a
  // prefix because only the visible lines are rendered.
  let shown = '';
  await waitUntil(async () => {
    shown = await readResponse(page);
    return squash(shown).length > 0 && expected.startsWith(squash(shown));
  }, 'the response editor to show the result');
  return shown;
}

async function waitUntil(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

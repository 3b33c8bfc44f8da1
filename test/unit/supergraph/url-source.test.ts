import { afterEach, describe, expect, it } from 'vitest';
import { supergraphHash, type FetchedSupergraph } from '../../../src/supergraph/source.js';
import { UrlSource } from '../../../src/supergraph/url-source.js';
import { startSupergraphServer, type SupergraphServer } from '../../helpers/supergraph-server.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function serve(sdl: string, port?: number): Promise<SupergraphServer> {
  const server = await startSupergraphServer({ sdl, ...(port === undefined ? {} : { port }) });
  cleanup.push(() => server.close());
  return server;
}

function follow(source: UrlSource) {
  cleanup.push(() => source.close());
  const delivered: FetchedSupergraph[] = [];
  const failures: { message: string; retryInMs: number | undefined }[] = [];
  source.follow({
    supergraph: (fetched) => delivered.push(fetched),
    failed: (error, retryInMs) => failures.push({ message: error.message, retryInMs }),
  });
  return { delivered, failures };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the URL supergraph source', () => {
  it('polls with If-None-Match: 304 while unchanged, the new SDL when it changes', async () => {
    const server = await serve('one');
    const source = new UrlSource({
      url: `${server.url}/supergraph.graphql`,
      pollIntervalMs: 100,
      headers: { 'x-team': 'a' },
    });
    expect(await source.load()).toEqual({ sdl: 'one', hash: supergraphHash('one'), version: '1' });
    const { delivered } = follow(source);
    await until(() => server.requests.filter((request) => request.status === 304).length >= 3);
    expect(delivered).toEqual([]);
    expect(server.requests[1]?.ifNoneMatch).toBe(`"${supergraphHash('one')}"`);

    server.set('two', 7);
    await until(() => delivered.length === 1);
    expect(delivered[0]).toEqual({ sdl: 'two', hash: supergraphHash('two'), version: '7' });
  });

  it('backs off while the server fails, up to ten times the interval, and recovers in full', async () => {
    const server = await serve('one');
    const source = new UrlSource({
      url: `${server.url}/supergraph.graphql`,
      pollIntervalMs: 100,
      headers: {},
    });
    await source.load();
    const { delivered, failures } = follow(source);
    server.failWith(503);
    await until(() => failures.length >= 5, 8_000);
    expect(failures[0]?.message).toBe(
      `GET ${server.url}/supergraph.graphql answered HTTP 503: UNAVAILABLE: try again later`,
    );
    expect(failures.slice(0, 5).map((failure) => failure.retryInMs)).toEqual([100, 200, 400, 800, 1000]);

    // Back up with the same SDL: fetched unconditionally, and delivered so the gateway knows.
    server.failWith(undefined);
    await until(() => delivered.length === 1, 3_000);
    expect(delivered[0]?.sdl).toBe('one');
    expect(server.requests.at(-1)?.ifNoneMatch).toBeUndefined();
  });

  it('survives a server that is gone (connection refused) and picks up what it serves when back', async () => {
    const first = await startSupergraphServer({ sdl: 'one' });
    const port = Number(new URL(first.url).port);
    const source = new UrlSource({ url: `${first.url}/s`, pollIntervalMs: 100, headers: {} });
    await source.load();
    const { delivered, failures } = follow(source);
    await first.close();
    await until(() => failures.length >= 2);
    expect(failures[0]?.message).toBe(`GET ${first.url}/s: connection refused`);
    await serve('two', port);
    await until(() => delivered.length === 1, 3_000);
    expect(delivered[0]?.sdl).toBe('two');
  });

  it('refuses a body over its limit', async () => {
    const server = await serve('x'.repeat(2048));
    const source = new UrlSource({
      url: `${server.url}/s`,
      pollIntervalMs: 100,
      headers: {},
      maxBytes: 1024,
      startWaitMs: 0,
    });
    cleanup.push(() => source.close());
    await expect(source.load()).rejects.toThrow(
      `Cannot load the supergraph from url ${server.url}/s: GET ${server.url}/s: the supergraph is larger than 1024 bytes`,
    );
  });

  it('at start, retries a source that is down for startWaitMs, then fails saying why', async () => {
    const server = await startSupergraphServer({ sdl: 'one' });
    await server.close();
    const source = new UrlSource({
      url: `${server.url}/s`,
      pollIntervalMs: 100,
      headers: {},
      startWaitMs: 500,
    });
    cleanup.push(() => source.close());
    const started = Date.now();
    await expect(source.load()).rejects.toThrow(
      `Cannot load the supergraph from url ${server.url}/s: GET ${server.url}/s: connection refused`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('reload fetches at once, without waiting for the interval', async () => {
    const server = await serve('one');
    const source = new UrlSource({ url: `${server.url}/s`, pollIntervalMs: 60_000, headers: {} });
    await source.load();
    const { delivered } = follow(source);
    server.set('two');
    await source.reload();
    expect(delivered.map((fetched) => fetched.sdl)).toEqual(['two']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { RegistrySource } from '../../../src/supergraph/registry-source.js';
import { supergraphHash, type FetchedSupergraph } from '../../../src/supergraph/source.js';
import { startSupergraphServer } from '../../helpers/supergraph-server.js';

const TOKEN = 'a-registry-token-of-some-length';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function registry(sdl: string, port?: number) {
  const server = await startSupergraphServer({ sdl, token: TOKEN, ...(port === undefined ? {} : { port }) });
  cleanup.push(() => server.close());
  return server;
}

function follow(source: RegistrySource) {
  cleanup.push(() => source.close());
  const delivered: (FetchedSupergraph & { at: number })[] = [];
  const failures: { message: string; retryInMs: number | undefined }[] = [];
  source.follow({
    supergraph: (fetched) => delivered.push({ ...fetched, at: Date.now() }),
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

describe('the registry supergraph source', () => {
  it('long-polls the stage with the bearer token and gets a publish at once', async () => {
    const server = await registry('one');
    const source = new RegistrySource({ registry: server.url, stage: 'prod', token: TOKEN, waitMs: 20_000 });
    expect(await source.load()).toEqual({ sdl: 'one', hash: supergraphHash('one'), version: '1' });
    const { delivered } = follow(source);
    // The long-poll is held by the server: no busy polling.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      path: server.registryPath('prod'),
      authorization: `Bearer ${TOKEN}`,
    });

    const publishedAt = Date.now();
    server.set('two', 42);
    await until(() => delivered.length === 1);
    expect(delivered[0]).toMatchObject({ sdl: 'two', hash: supergraphHash('two'), version: '42' });
    expect((delivered[0]?.at ?? Infinity) - publishedAt).toBeLessThan(1_000);
    expect(server.requests.at(-1)?.ifNoneMatch).toBe(`"${supergraphHash('one')}"`);
  });

  it('keeps retrying with backoff while the registry is down, and follows it again when back', async () => {
    const server = await registry('one');
    const port = Number(new URL(server.url).port);
    const source = new RegistrySource({
      registry: server.url,
      stage: 'dev',
      token: TOKEN,
      retryBaseMs: 50,
      retryMaxMs: 200,
    });
    await source.load();
    const { delivered, failures } = follow(source);
    await server.close();
    await until(() => failures.length >= 4);
    expect(failures[0]?.message).toBe(`Cannot reach the registry at ${server.url}: connection refused`);
    expect(failures.slice(0, 4).map((failure) => failure.retryInMs)).toEqual([50, 100, 200, 200]);

    const back = await registry('two', port);
    await until(() => delivered.length === 1);
    expect(delivered[0]?.sdl).toBe('two');
    expect(back.requests[0]?.ifNoneMatch).toBeUndefined();
  });

  it('fails to start with a wrong token, saying so', async () => {
    const server = await registry('one');
    const source = new RegistrySource({ registry: server.url, stage: 'dev', token: 'wrong', startWaitMs: 0 });
    cleanup.push(() => source.close());
    await expect(source.load()).rejects.toThrow(
      /Cannot load the supergraph from registry .* stage dev: .*token/,
    );
  });

  it('reload cuts the long-poll short and fetches now', async () => {
    const server = await registry('one');
    const source = new RegistrySource({ registry: server.url, stage: 'dev', token: TOKEN });
    await source.load();
    const { delivered } = follow(source);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await source.reload();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(delivered.map((fetched) => fetched.sdl)).toEqual(['one']);
  });
});

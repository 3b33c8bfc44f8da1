import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start.js';
import { postGraphQL, startTestGateway } from '../helpers/gateway.js';
import { startThingsSubgraph, type RecordingSubgraph } from '../helpers/recording-subgraph.js';

// Apollo's automatic persisted queries (security.apq): a client sends the SHA-256 of its query; the
// gateway answers PERSISTED_QUERY_NOT_FOUND until the client has sent the query once with its hash.

const QUERY = 'query Thing { thing { id name } }';
const HASH = sha256(QUERY);
const DATA = { thing: { id: '1', name: 'one' } };

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function persisted(hash: string, query?: string) {
  return {
    ...(query === undefined ? {} : { query }),
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  };
}

let things: RecordingSubgraph;
let redis: Redis;

beforeAll(async () => {
  things = await startThingsSubgraph();
  redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  await things.close();
  redis.disconnect();
});

describe.each([
  ['memory', () => ({})],
  ['redis', (prefix: string) => ({ redis: { url: 'redis://127.0.0.1:6379', keyPrefix: prefix } })],
] as const)('APQ with the %s store', (store, extra) => {
  const prefix = `test:${randomUUID()}:`;
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([things], { security: { apq: { store } }, ...extra(prefix) });
  });
  afterAll(async () => {
    await gateway.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash, then serves it once registered', async () => {
    const before = things.operations().length;
    const unknown = await postGraphQL(gateway.graphqlUrl, persisted(HASH));
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({
      errors: [
        expect.objectContaining({
          message: 'PersistedQueryNotFound',
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
        }),
      ],
    });
    expect(things.operations()).toHaveLength(before);

    const registered = await postGraphQL(gateway.graphqlUrl, persisted(HASH, QUERY));
    expect(registered).toMatchObject({ status: 200, body: { data: DATA } });
    // Apollo registers after resolving the operation, without awaiting the store.
    await expect
      .poll(async () => (await postGraphQL(gateway.graphqlUrl, persisted(HASH))).body)
      .toEqual({ data: DATA });
  });

  it('refuses a query whose hash is not its SHA-256 with PERSISTED_QUERY_HASH_MISMATCH, calling no subgraph', async () => {
    const before = things.operations().length;
    const forged = sha256('query Other { thing { id } }');
    const response = await postGraphQL(gateway.graphqlUrl, persisted(forged, QUERY));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [
        {
          message: expect.stringMatching(
            /^The persisted query hash .* is not the SHA-256 of the query sent with it\.$/,
          ),
          extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
        },
      ],
    });
    expect(things.operations()).toHaveLength(before);
    // Nothing was registered under the forged hash.
    expect((await postGraphQL(gateway.graphqlUrl, persisted(forged))).body).toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
  });

  if (store === 'redis')
    it('keeps queries in Redis under the key prefix, with the TTL', async () => {
      const query = `query Keyed { thing { id } }`;
      await postGraphQL(gateway.graphqlUrl, persisted(sha256(query), query));
      const key = `${prefix}apq:${sha256(query)}`;
      await expect.poll(() => redis.get(key)).toBe(query);
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(86_000);
      expect(ttl).toBeLessThanOrEqual(86_400);
    });
});

describe('APQ turned off (security.apq.enabled: false)', () => {
  it('answers PERSISTED_QUERY_NOT_SUPPORTED and still serves full queries', async () => {
    const gateway = await startTestGateway([things], { security: { apq: { enabled: false } } });
    try {
      for (const body of [persisted(HASH), persisted(HASH, QUERY)]) {
        const response = await postGraphQL(gateway.graphqlUrl, body);
        expect(response.body).toEqual({
          errors: [expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } })],
        });
      }
      expect((await postGraphQL(gateway.graphqlUrl, { query: QUERY })).body).toEqual({ data: DATA });
    } finally {
      await gateway.close();
    }
  });
});

describe('APQ over a Redis that goes away', () => {
  it('treats a failed look-up as not found, logs a warning, and keeps serving full queries', async () => {
    const lines: { level: number; msg: string }[] = [];
    // The gateway reaches Redis through a proxy this test can cut, as a network failure would.
    const proxy = await startTcpProxy(6379);
    const gateway = await startTestGateway(
      [things],
      {
        logging: { level: 'warn' },
        security: { apq: { store: 'redis' } },
        redis: { url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: `test:${randomUUID()}:` },
      },
      {
        logStream: {
          write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }),
        },
      },
    );
    try {
      await postGraphQL(gateway.graphqlUrl, persisted(HASH, QUERY));
      await expect
        .poll(async () => (await postGraphQL(gateway.graphqlUrl, persisted(HASH))).body)
        .toEqual({ data: DATA });
      proxy.cut();
      // Even the query registered before is not granted while the store cannot say so.
      const response = await postGraphQL(gateway.graphqlUrl, persisted(HASH));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
      });
      expect(lines.some((line) => line.level === 40 && line.msg.startsWith('apq: could not look up'))).toBe(
        true,
      );
      // The client's fallback, the full query, is served (its registration fails quietly).
      expect((await postGraphQL(gateway.graphqlUrl, persisted(HASH, QUERY))).body).toEqual({ data: DATA });
    } finally {
      await gateway.close();
      await proxy.close();
    }
  });
});

interface TcpProxy {
  port: number;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  close(): Promise<void>;
}

async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const cut = () => {
    open = false;
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut,
    close: async () => {
      cut();
      server.close();
      await once(server, 'close');
    },
  };
}

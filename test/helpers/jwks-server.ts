import Fastify from 'fastify';
import type { JWK } from 'jose';

export type JwksMode = 'up' | 'error' | 'hang';

export interface JwksServer {
  /** The JWKS URL. */
  url: string;
  /** How many times the JWKS was asked for. */
  readonly fetches: number;
  /** Replaces the published keys (key rotation). */
  setKeys(keys: JWK[]): void;
  /** `error` answers 503, `hang` never answers: two ways for the endpoint to be down. */
  setMode(mode: JwksMode): void;
  /** Sent as `Cache-Control`; none by default. */
  setCacheControl(value: string | undefined): void;
  close(): Promise<void>;
}

/** An identity provider's JWKS endpoint on loopback, whose keys and health the test controls. */
export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  let published = keys;
  let mode: JwksMode = 'up';
  let cacheControl: string | undefined;
  let fetches = 0;
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    fetches += 1;
    if (mode === 'hang') return new Promise(() => {});
    if (mode === 'error') return reply.code(503).send({ error: 'down' });
    if (cacheControl !== undefined) reply.header('cache-control', cacheControl);
    return { keys: published };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    setKeys: (next) => {
      published = next;
    },
    setMode: (next) => {
      mode = next;
    },
    setCacheControl: (value) => {
      cacheControl = value;
    },
    close: () => app.close(),
  };
}

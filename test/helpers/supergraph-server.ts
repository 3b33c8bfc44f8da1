import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that serves a supergraph as a file server or a registry would: `ETag`,
 * 304 for a matching `If-None-Match`, and (with `?wait=ms`) a long-poll that answers as soon as the
 * content changes. It can be made to fail (`status`), and records what it was asked.
 */
export interface SupergraphServer {
  url: string;
  /** The path a registry serves a stage's supergraph at. */
  registryPath(stage: string): string;
  set(sdl: string, version?: number): void;
  /** Answer every request with this status (and a registry-style error body) until cleared. */
  failWith(status: number | undefined): void;
  requests: {
    path: string;
    ifNoneMatch: string | undefined;
    authorization: string | undefined;
    status: number;
  }[];
  close(): Promise<void>;
}

export async function startSupergraphServer(
  options: { sdl: string; token?: string; port?: number } = { sdl: '' },
): Promise<SupergraphServer> {
  let sdl = options.sdl;
  let version = 1;
  let failure: number | undefined;
  const waiting = new Set<() => void>();
  const requests: SupergraphServer['requests'] = [];
  const etag = () => `"${createHash('sha256').update(sdl).digest('hex')}"`;

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const record = (status: number) =>
      requests.push({
        path: url.pathname,
        ifNoneMatch: header(request, 'if-none-match'),
        authorization: header(request, 'authorization'),
        status,
      });
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      record(401);
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      response.end(
        JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'a valid admin token is required' } }),
      );
      return;
    }
    const answer = () => {
      if (failure !== undefined) {
        record(failure);
        response.writeHead(failure, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again later' } }));
        return;
      }
      if (request.headers['if-none-match'] === etag()) {
        record(304);
        response.writeHead(304, { etag: etag() });
        response.end();
        return;
      }
      record(200);
      response.writeHead(200, {
        'content-type': 'text/plain',
        etag: etag(),
        'x-gatehouse-version': String(version),
      });
      response.end(sdl);
    };
    const wait = Number(url.searchParams.get('wait') ?? 0);
    if (wait > 0 && failure === undefined && request.headers['if-none-match'] === etag()) {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        answer();
      };
      const timer = setTimeout(done, wait);
      waiting.add(done);
      request.on('close', () => {
        clearTimeout(timer);
        waiting.delete(done);
      });
      return;
    }
    answer();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    registryPath: (stage) => `/registry/v1/stages/${stage}/supergraph`,
    set(next, nextVersion) {
      sdl = next;
      version = nextVersion ?? version + 1;
      for (const done of [...waiting]) done();
    },
    failWith(status) {
      failure = status;
      for (const done of [...waiting]) done();
    },
    requests,
    async close() {
      for (const done of [...waiting]) done();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

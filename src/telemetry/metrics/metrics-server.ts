import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { errorBody } from '../../errors.js';
import { UserFacingError } from '../../errors.js';
import type { ScrapeAnswer } from './scrape.js';

export interface MetricsServerOptions {
  host: string;
  port: number;
  path: string;
  scrape: (authorization: string | undefined) => Promise<ScrapeAnswer>;
  /**
   * `security.ipRules.metrics`: whether the peer's address may scrape. This port has no trusted
   * proxies, so it is the address of the connection itself.
   */
  admit?: ((address: string | undefined) => boolean) | undefined;
}

/** A listening metrics port. */
export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the metrics on a port of their own (`telemetry.metrics.port`), so that the scraper can
 * reach them on a network the clients do not, and a scrape never queues behind client traffic.
 * Only `GET` (and `HEAD`) of the metrics path answer. Under `--workers N` every worker listens on
 * the same port (the cluster shares it), and whichever worker is asked sums all of them.
 */
export async function listenMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const address = request.socket.remoteAddress;
    if (options.admit !== undefined && !options.admit(address)) {
      const message = `Requests from ${address ?? 'an unknown address'} are not allowed on /metrics.`;
      const refused = JSON.stringify(errorBody('IP_NOT_ALLOWED', message));
      response.writeHead(403, { 'content-type': 'application/json' }).end(refused);
      return;
    }
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== options.path || (request.method !== 'GET' && request.method !== 'HEAD')) {
      const notFound = JSON.stringify(errorBody('NOT_FOUND'));
      response.writeHead(404, { 'content-type': 'application/json' }).end(notFound);
      return;
    }
    options.scrape(request.headers.authorization).then(
      ({ status, headers, body }) => {
        response.writeHead(status, headers).end(request.method === 'HEAD' ? undefined : body);
      },
      () => response.writeHead(500).end(),
    );
  });
  // A scraper keeps its connection open between scrapes; it must not hold the gateway's shutdown.
  server.keepAliveTimeout = 5_000;
  try {
    server.listen(options.port, options.host);
    await once(server, 'listening');
  } catch (error) {
    throw listenError(error, options);
  }
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : options.port,
    close: () => closeServer(server),
  };
}

function listenError(error: unknown, { host, port }: MetricsServerOptions): Error {
  const code = (error as { code?: string } | undefined)?.code;
  const reason =
    code === 'EADDRINUSE'
      ? 'the port is in use'
      : code === 'EACCES'
        ? 'permission denied'
        : error instanceof Error
          ? error.message
          : String(error);
  // The code stays on the error, so that the command line can tell a port in use from other failures.
  return Object.assign(
    new UserFacingError(`Cannot serve metrics on ${host}:${port} (telemetry.metrics.port): ${reason}`),
    code === undefined ? {} : { code },
  );
}

async function closeServer(server: Server): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  server.closeIdleConnections();
  await closed;
}

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  subgraph: string;
  body: string;
}

export interface RecordingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of one subgraph that records every request body the gateway
 * sends it, so cases can assert on subgraph traffic without touching the subgraph server.
 */
export async function startRecordingProxy(
  subgraph: string,
  targetUrl: string,
  log: RecordedRequest[],
): Promise<RecordingProxy> {
  const server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request);
        log.push({ subgraph, body });
        const upstream = await fetch(targetUrl, {
          method: request.method ?? 'POST',
          headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
          ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
        });
        const text = await upstream.text();
        response.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        response.end(text);
      } catch {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end('recording proxy: upstream failed');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections from the gateway would otherwise keep the proxy reachable.
      server.closeAllConnections();
      await closed;
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Requests per subgraph, leaving out subgraphs that received none. */
export function countBySubgraph(log: readonly RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { subgraph } of log) counts[subgraph] = (counts[subgraph] ?? 0) + 1;
  return counts;
}

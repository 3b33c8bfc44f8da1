import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  url: string;
  /** The query text of every request that reached the subgraph, in order. */
  readonly queries: string[];
  /** The headers of every request that reached the subgraph, in the same order. */
  readonly headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Sits in front of a subgraph on loopback and records what the gateway sends it. */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const queries: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      queries.push((JSON.parse(body) as { query: string }).query);
      headers.push(request.headers);
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(await answer.text());
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    queries,
    headers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

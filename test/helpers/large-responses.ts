import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface HttpBackend {
  /** The base URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A request with its body read as text. */
export type BackendRequest = IncomingMessage & { text: string };

/**
 * A bare `node:http` service on a free loopback port: unlike Fastify it lets a test choose, byte
 * for byte, whether an answer has a `content-length` or is streamed in chunks.
 */
export async function startHttpBackend(
  handle: (request: BackendRequest, response: ServerResponse) => void,
): Promise<HttpBackend> {
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => handle(Object.assign(request, { text }), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers a JSON text, with a `content-length`, or chunked without one (written 1 KiB at a time). */
export function sendJson(response: ServerResponse, text: string, chunked: boolean): void {
  if (!chunked) {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  for (let start = 0; start < text.length; start += 1024) response.write(text.slice(start, start + 1024));
  response.end();
}

/** What a streamed answer came to. */
export interface StreamedAnswer {
  /** Body bytes handed to the socket so far. */
  readonly bytesWritten: number;
  /** Resolves when the exchange is over: the whole body sent, or the reader gone. */
  readonly done: Promise<{ bytesWritten: number; completed: boolean }>;
}

const FILLER = Buffer.alloc(64 * 1024, 'x');

/**
 * Streams `head`, then `x` until the body is `totalBytes` long, then `tail`, with no
 * `content-length` (chunked). It writes only as fast as the reader reads, and stops as soon as
 * the reader closes the connection, so a test can tell a reader that drained everything from one
 * that hung up.
 */
export function streamJson(
  response: ServerResponse,
  { head, tail, totalBytes }: { head: string; tail: string; totalBytes: number },
): StreamedAnswer {
  let bytesWritten = 0;
  let completed = false;
  const done = new Promise<{ bytesWritten: number; completed: boolean }>((resolve) => {
    response.once('close', () => resolve({ bytesWritten, completed }));
  });
  const write = (chunk: Buffer | string): boolean => {
    bytesWritten += Buffer.byteLength(chunk);
    return response.write(chunk);
  };
  let remaining = totalBytes - Buffer.byteLength(head) - Buffer.byteLength(tail);
  const pump = () => {
    while (remaining > 0 && !response.destroyed) {
      const chunk = remaining >= FILLER.length ? FILLER : FILLER.subarray(0, remaining);
      remaining -= chunk.length;
      if (!write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (response.destroyed) return;
    write(tail);
    completed = true;
    response.end();
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  write(head);
  pump();
  return {
    get bytesWritten() {
      return bytesWritten;
    },
    done,
  };
}

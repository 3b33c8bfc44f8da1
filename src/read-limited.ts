import type { Dispatcher } from 'undici';

/**
 * A backend answered more bytes than its `maxResponseBytes`: its declared `content-length`, or what
 * was read before the connection was closed. The rest of the body is never read.
 */
export class ResponseTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`the response is larger than ${limitBytes} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

/** Whether a `content-length` header announces more than `limitBytes`; false when there is none. */
export function declaresMoreThan(
  contentLength: string | string[] | null | undefined,
  limitBytes: number,
): boolean {
  if (contentLength === undefined || contentLength === null) return false;
  return Number(Array.isArray(contentLength) ? contentLength[0] : contentLength) > limitBytes;
}

/**
 * The body of an undici response (`request`, `Agent.request`), at most `limitBytes` of it, else
 * {@link ResponseTooLarge}: refused unread when its `content-length` says more, cut off when it
 * streams more. Either way the body is destroyed, which aborts the request and closes the
 * connection, so a backend that streams gigabytes is not drained.
 */
export async function readUndiciBody(response: Dispatcher.ResponseData, limitBytes: number): Promise<Buffer> {
  if (declaresMoreThan(response.headers['content-length'], limitBytes)) {
    // Destroying an unread body reports an abort error, which is the point here.
    response.body.on('error', () => {}).destroy();
    throw new ResponseTooLarge(limitBytes);
  }
  return readLimited(response.body, limitBytes);
}

/** The same for a fetch `Response`: past the limit its body is cancelled, which aborts the fetch. */
export async function readFetchBody(response: Response, limitBytes: number): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  if (declaresMoreThan(response.headers.get('content-length'), limitBytes)) {
    await response.body.cancel();
    throw new ResponseTooLarge(limitBytes);
  }
  return readLimited(chunksOf(response.body), limitBytes);
}

/**
 * Gathers chunks up to `limitBytes`; one more byte throws {@link ResponseTooLarge}. Leaving the loop
 * early ends the iteration, which destroys a Node stream or cancels a web stream.
 */
async function readLimited(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of body) {
    received += chunk.byteLength;
    if (received > limitBytes) throw new ResponseTooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received);
}

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // A no-op once the body has ended; before that, it aborts the fetch.
    await reader.cancel();
  }
}

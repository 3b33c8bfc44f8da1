import { request, type Dispatcher } from 'undici';
import { describeNetworkError } from '../network-error.js';
import { readUndiciBody, ResponseTooLarge } from '../read-limited.js';

/** Largest supergraph read over HTTP. */
export const SUPERGRAPH_MAX_BYTES = 64 * 1024 * 1024;
/** Largest error body read, for its message. */
const ERROR_BODY_MAX_BYTES = 4096;

export type SupergraphResponse =
  | { status: 'unchanged' }
  | { status: 'ok'; sdl: string; etag: string | undefined; version: string | undefined };

export interface SupergraphRequest {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes?: number;
}

/**
 * GET a supergraph: 200 with the SDL (bounded), 304 unchanged; anything else fails with the status
 * and the server's own message (a registry's `{ error: { message } }`), network errors in a few words.
 */
export async function getSupergraph({
  url,
  headers,
  signal,
  timeoutMs,
  maxBytes = SUPERGRAPH_MAX_BYTES,
}: SupergraphRequest): Promise<SupergraphResponse> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'GET',
      headers: { accept: 'text/plain, application/graphql, */*', ...headers },
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    throw new Error(`GET ${redact(url)}: ${describeNetworkError(error)}`);
  }
  if (response.statusCode === 304) {
    await response.body.dump();
    return { status: 'unchanged' };
  }
  if (response.statusCode !== 200) {
    const detail = await errorMessage(response);
    throw new Error(`GET ${redact(url)} answered HTTP ${response.statusCode}${detail ? `: ${detail}` : ''}`);
  }
  let body: Buffer;
  try {
    body = await readUndiciBody(response, maxBytes);
  } catch (error) {
    if (error instanceof ResponseTooLarge)
      throw new Error(`GET ${redact(url)}: the supergraph is larger than ${maxBytes} bytes`);
    throw new Error(`GET ${redact(url)}: ${describeNetworkError(error)}`);
  }
  return {
    status: 'ok',
    sdl: body.toString('utf8'),
    etag: header(response.headers.etag),
    version: header(response.headers['x-gatehouse-version']),
  };
}

async function errorMessage(response: Dispatcher.ResponseData): Promise<string | undefined> {
  let text: string;
  try {
    text = (await readUndiciBody(response, ERROR_BODY_MAX_BYTES)).toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    if (typeof message === 'string') return typeof code === 'string' ? `${code}: ${message}` : message;
  } catch {
    // Not JSON: the status alone says enough.
  }
  return undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A URL for messages: no credentials, no query string (which may carry a token). */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

import { request, type Dispatcher } from 'undici';
import { describeNetworkError } from '../network-error.js';
import { readUndiciBody, ResponseTooLarge } from '../read-limited.js';
import { RegistryError } from './types.js';

/**
 * One call to a registry's HTTP API, with the failures said in words an operator can act on:
 * where the registry is, whether it was reached, whether it took the token, and what it answered.
 */

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The largest answer read: a version carries its subgraphs' SDLs and the supergraph's. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const API_PATH = '/registry/v1';

/** The registry could not be reached, refused the token, or answered something unexpected. */
export class RegistryRequestError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** The API's error code, when it sent one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RegistryRequestError';
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | undefined;
  /** Statuses that are answers rather than failures (default: 2xx). */
  accept?: readonly number[];
  timeoutMs?: number;
  maxResponseBytes?: number;
  signal?: AbortSignal | undefined;
  dispatcher?: Dispatcher | undefined;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The registry's own error codes, which come back as `RegistryError`s as they would in process. */
const REGISTRY_ERROR_CODES: Record<RegistryError['code'], true> = {
  UNKNOWN_STAGE: true,
  UNKNOWN_VERSION: true,
  UNKNOWN_SUBGRAPH: true,
  INVALID_INPUT: true,
  SCHEMA_TOO_LARGE: true,
  EMPTY_STAGE: true,
  UNAVAILABLE: true,
  DOCUMENT_ID_CONFLICT: true,
  SAFELIST_TOO_LARGE: true,
};

/** The registry's base URL for messages: without credentials, query or trailing slash. */
export function displayUrl(base: string): string {
  try {
    const url = new URL(base);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return base;
  }
}

/** The URL of an API path under a base URL, which may itself have a path (behind a proxy). */
export function apiUrl(base: string, path: string, query: CallOptions['query'] = {}): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new RegistryRequestError(`"${base}" is not a registry URL: expected e.g. http://localhost:4100`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RegistryRequestError(`"${base}" is not a registry URL: expected http:// or https://`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${API_PATH}${path}`;
  url.search = '';
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

export async function callRegistry(
  base: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const where = displayUrl(base);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const headers: Record<string, string> = { accept: 'application/json, text/plain', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let result: CallResult;
  try {
    const response = await request(apiUrl(base, path, options.query), {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    const body = await readUndiciBody(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    result = { status: response.statusCode, headers: response.headers, text: body.toString('utf8') };
  } catch (error) {
    if (error instanceof RegistryRequestError) throw error;
    if (error instanceof ResponseTooLarge) {
      throw new RegistryRequestError(`The registry at ${where} answered more than ${error.limitBytes} bytes`);
    }
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (timeout.aborted) {
      throw new RegistryRequestError(
        `The registry at ${where} did not answer within ${Math.round(timeoutMs / 100) / 10} s`,
      );
    }
    const bodyBytes = options.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(options.body));
    const code = (error as { code?: string }).code;
    if (bodyBytes > 1024 * 1024 && (code === 'EPIPE' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) {
      throw new RegistryRequestError(
        `The registry at ${where} closed the connection while a ${bodyBytes}-byte request was being sent: is it larger than the registry accepts (registry.maxSchemaBytes)?`,
      );
    }
    throw new RegistryRequestError(`Cannot reach the registry at ${where}: ${describeNetworkError(error)}`);
  }
  const accepted = options.accept ?? [];
  if ((result.status >= 200 && result.status < 300) || accepted.includes(result.status)) return result;
  throw failure(where, result, options.token !== undefined);
}

/** Parses a JSON answer; something else means the URL is not a registry. */
export function parseJson<T>(base: string, result: CallResult): T {
  try {
    return JSON.parse(result.text) as T;
  } catch {
    throw new RegistryRequestError(
      `The server at ${displayUrl(base)} answered HTTP ${result.status} with something that is not JSON; is it a Gatehouse registry?`,
      result.status,
    );
  }
}

function failure(where: string, result: CallResult, sentToken: boolean): Error {
  const error = errorOf(result.text);
  if (result.status === 401) {
    return new RegistryRequestError(
      sentToken
        ? `The registry refused the token (401): ${error?.message ?? 'no reason given'}`
        : `The registry at ${where} needs a token (401)`,
      401,
      'UNAUTHENTICATED',
    );
  }
  if (error === undefined) {
    return new RegistryRequestError(
      `The server at ${where} answered HTTP ${result.status} without a registry error; is it a Gatehouse registry?`,
      result.status,
    );
  }
  if (Object.hasOwn(REGISTRY_ERROR_CODES, error.code)) {
    return new RegistryError(error.code as RegistryError['code'], error.message);
  }
  if (result.status < 500) return new RegistryRequestError(error.message, result.status, error.code);
  return new RegistryRequestError(
    `The registry at ${where} failed (HTTP ${result.status}): ${error.message}`,
    result.status,
    error.code,
  );
}

function errorOf(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}

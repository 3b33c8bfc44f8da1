import type { Dispatcher } from 'undici';
import { SAFELIST_LIMITS, type SafelistDocument } from '../store/safelist.js';
import {
  callRegistry,
  DEFAULT_TIMEOUT_MS,
  displayUrl,
  parseJson,
  RegistryRequestError,
} from './client-http.js';
import { MAX_WAIT_MS } from './http-input.js';
import { RegistryError, type Safelist, type SafelistPushOutcome, type SafelistPushRequest } from './types.js';

/** The safelist calls of the registry's HTTP API, for the CLI and for gateways following a registry. */

interface Connection {
  token?: string | undefined;
  dispatcher?: Dispatcher | undefined;
  timeoutMs?: number | undefined;
  maxResponseBytes?: number | undefined;
}

export async function pushSafelistOverHttp(
  registryUrl: string,
  request: SafelistPushRequest,
  connection: Connection = {},
): Promise<SafelistPushOutcome> {
  const { stage, manifest, clientName, clientVersion } = request;
  const body = {
    manifest,
    ...(clientName === undefined ? {} : { clientName }),
    ...(clientVersion === undefined ? {} : { clientVersion }),
  };
  // The registry answers a larger body with 413 and closes the connection, which a client still
  // sending megabytes sees as a broken pipe rather than the answer: refuse it here, unsent.
  const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
  if (bytes > SAFELIST_LIMITS.pushBytes) {
    throw new RegistryError(
      'SAFELIST_TOO_LARGE',
      `The push is ${bytes} bytes, more than the registry's limit of ${SAFELIST_LIMITS.pushBytes} bytes per push: split the manifest.`,
    );
  }
  const result = await callRegistry(registryUrl, `/stages/${encodeURIComponent(stage)}/safelist`, {
    method: 'POST',
    body,
    ...options(connection),
  });
  return parseJson<SafelistPushOutcome>(registryUrl, result);
}

/** What a poll of a stage's safelist found. */
export type SafelistFetch = { status: 'changed'; safelist: Safelist } | { status: 'unchanged' };

export interface FetchSafelistOptions extends Connection {
  /** The revision held; sent as `If-None-Match`. */
  revision?: number | undefined;
  /** Long-poll: how long the registry may hold the request for a change (at most 30 s). */
  waitMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Reads a stage's safelist: `changed` with every document, or `unchanged` when the registry still
 * has `revision` (after holding the request up to `waitMs` for a push).
 */
export async function fetchSafelist(
  registryUrl: string,
  stage: string,
  fetchOptions: FetchSafelistOptions = {},
): Promise<SafelistFetch> {
  const waitMs = Math.max(0, Math.min(MAX_WAIT_MS, Math.round(fetchOptions.waitMs ?? 0)));
  const { revision } = fetchOptions;
  const result = await callRegistry(registryUrl, `/stages/${encodeURIComponent(stage)}/safelist`, {
    query: { wait: waitMs > 0 ? waitMs : undefined },
    headers: revision === undefined ? {} : { 'if-none-match': `"${revision}"` },
    accept: [304],
    signal: fetchOptions.signal,
    ...options(fetchOptions),
    timeoutMs: waitMs + (fetchOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  if (result.status === 304) return { status: 'unchanged' };
  const json = parseJson<Partial<Safelist> & { documents?: (SafelistDocument & { createdAt: string })[] }>(
    registryUrl,
    result,
  );
  if (typeof json.revision !== 'number' || !Array.isArray(json.documents)) {
    throw new RegistryRequestError(
      `The server at ${displayUrl(registryUrl)} answered a safelist without its revision and documents; is it a Gatehouse registry?`,
      result.status,
    );
  }
  const documents = json.documents.map((document) => ({
    ...document,
    createdAt: new Date(document.createdAt),
  }));
  return { status: 'changed', safelist: { stage, revision: json.revision, documents } };
}

function options(connection: Connection) {
  return {
    token: connection.token,
    dispatcher: connection.dispatcher,
    ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
    ...(connection.maxResponseBytes === undefined ? {} : { maxResponseBytes: connection.maxResponseBytes }),
  };
}

import type { RegistrySubgraph, VersionDiff, VersionSummary } from '../../registry/types.js';

export type { RegistrySubgraph, VersionDiff, VersionSummary };

/** `GET /registry/v1/stages`. */
export interface StagesResponse {
  stages: { name: string; current?: VersionSummary }[];
}
/** `GET /registry/v1/stages/:stage/subgraphs`. */
export interface SubgraphsResponse {
  subgraphs: RegistrySubgraph[];
}
/** `GET /registry/v1/stages/:stage/versions`. */
export interface VersionsResponse {
  versions: VersionSummary[];
}

/** How many versions the history shows: the newest ones. */
export const HISTORY_LIMIT = 50;

export const apiPaths = {
  stages: () => '/registry/v1/stages',
  subgraphs: (stage: string) => `/registry/v1/stages/${encodeURIComponent(stage)}/subgraphs`,
  versions: (stage: string) =>
    `/registry/v1/stages/${encodeURIComponent(stage)}/versions?limit=${HISTORY_LIMIT}`,
  diff: (from: number, to: number) => `/registry/v1/diff?from=${from}&to=${to}`,
};

/** A registry answer other than 2xx, with the code and message of its `{ error }` body when it has one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * GETs a registry path on this origin (the page is served by the process that serves the API), with
 * the token as a bearer credential when there is one.
 */
export async function getJson<T>(path: string, token: string | undefined, signal: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { headers, signal, credentials: 'same-origin' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiError(0, 'UNREACHABLE', 'The registry could not be reached.');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    if (body === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', 'The registry sent no JSON.');
    return body as T;
  }
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
  const code = typeof error['code'] === 'string' ? error['code'] : `HTTP_${response.status}`;
  const message =
    typeof error['message'] === 'string'
      ? error['message']
      : `The registry answered ${response.status} ${response.statusText}.`;
  throw new ApiError(response.status, code, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

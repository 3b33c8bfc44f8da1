import type { DashboardStats } from '../../telemetry/dashboard/types.js';

export type { DashboardStats };

/** The gateway's dashboard API, on this origin. */
export const STATS_PATH = '/admin/api/stats';
/** How often the page asks again; the figures are in 5-second buckets. */
export const POLL_MS = 5_000;

/** The header the stats carry when the gateway ranks its callers (traffic control is on). */
export const TOP_CONSUMERS_HEADER = 'gatehouse-top-consumers';

export type StatsAnswer =
  /** `topConsumers`: the gateway also answers the top consumers (the header said so). */
  | { kind: 'stats'; stats: DashboardStats; topConsumers: boolean }
  /** 401: the stats need an admin token (production stages), and none or a wrong one was sent. */
  | { kind: 'unauthorized'; message: string }
  | { kind: 'failed'; message: string };

/** GETs the stats, with the admin token as a bearer credential when there is one. */
export async function fetchStats(token: string | undefined, signal: AbortSignal): Promise<StatsAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(STATS_PATH, { headers, signal, credentials: 'same-origin', cache: 'no-store' });
  } catch (error) {
    if (signal.aborted) throw error;
    return { kind: 'failed', message: 'The gateway could not be reached.' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isRecord(body) && isRecord(body['series'])) {
    return {
      kind: 'stats',
      stats: body as unknown as DashboardStats,
      topConsumers: response.headers.has(TOP_CONSUMERS_HEADER),
    };
  }
  const message = errorMessage(body) ?? `The gateway answered ${response.status} ${response.statusText}.`;
  return response.status === 401 ? { kind: 'unauthorized', message } : { kind: 'failed', message };
}

/** The message of a GraphQL-shaped error body (`{ errors: [{ message }] }`). */
function errorMessage(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body['errors'])) return undefined;
  const first: unknown = body['errors'][0];
  return isRecord(first) && typeof first['message'] === 'string' ? first['message'] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

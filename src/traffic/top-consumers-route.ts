import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { sendError } from '../edge/reply.js';
import { DASHBOARD_STATS_PATH } from '../telemetry/dashboard/index.js';
import type { Window } from '../config/traffic-schema.js';
import { currentPeriod } from './period-cache.js';
import type { Period } from './periods.js';
import { TrafficStoreUnavailable, type TrafficStore } from './store/types.js';

/** What the dashboard page polls for its "Top consumers" table. */
export const TOP_CONSUMERS_PATH = '/admin/api/top-consumers';
/**
 * Sent with the dashboard's stats when this gateway ranks its callers: the page asks for the top
 * consumers only then, rather than asking a gateway without traffic control and logging a 404.
 */
export const TOP_CONSUMERS_HEADER = 'gatehouse-top-consumers';
/** How many consumers the table shows by default, and at most. */
const DEFAULT_COUNT = 10;
const MAX_COUNT = 100;

/** The board the limiter counts today's requests on (`top:day:2026-12-03`), in `timeZone`. */
export function topConsumersBoard(now: number, timeZone: string): Period & { board: string } {
  const day = currentPeriod(DAY, now, timeZone);
  return { ...day, board: `top:${day.id}` };
}

const DAY: Window = { kind: 'calendar', unit: 'day' };

/** The answer: today's (in `traffic.timeZone`) heaviest callers by requests admitted. */
export interface TopConsumers {
  period: { id: string; start?: string; end?: string };
  consumers: { countedKey: string; requests: number }[];
}

export interface TopConsumersDeps {
  store: TrafficStore;
  timeZone: string;
  clock: () => number;
  /** Answers the refusal itself and returns false when the request may not see the figures. */
  authorized(request: FastifyRequest, reply: FastifyReply): boolean;
}

/**
 * `GET /admin/api/top-consumers?count=N`: the callers with the most admitted requests today, from
 * the store's ranking, so that every worker and replica sharing a Redis store shows the same list.
 */
export function registerTopConsumersRoute(app: FastifyInstance, deps: TopConsumersDeps): void {
  // The stats route is added later, by the dashboard plugin (telemetry comes after traffic): its
  // answers alone carry the header, so no other request pays for it.
  const announce: onSendHookHandler = (_request, reply, payload, done) => {
    reply.header(TOP_CONSUMERS_HEADER, TOP_CONSUMERS_PATH);
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (route.url !== DASHBOARD_STATS_PATH) return;
    const own = route.onSend === undefined ? [] : [route.onSend].flat();
    route.onSend = [...own, announce];
  });
  app.get(TOP_CONSUMERS_PATH, async (request, reply) => {
    if (!deps.authorized(request, reply)) return reply;
    reply.header('cache-control', 'no-store');
    const raw = (request.query as Record<string, unknown> | undefined)?.['count'];
    const count = raw === undefined ? DEFAULT_COUNT : Number(raw);
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_COUNT)
      return sendError(reply, 'BAD_REQUEST', `?count= must be an integer from 1 to ${MAX_COUNT}.`);
    const { board, startsAt: start, endsAt: end } = topConsumersBoard(deps.clock(), deps.timeZone);
    try {
      const top = await deps.store.top(board, count);
      const answer: TopConsumers = {
        period: {
          id: board.slice('top:'.length),
          ...(start === undefined ? {} : { start: new Date(start).toISOString() }),
          ...(end === undefined ? {} : { end: new Date(end).toISOString() }),
        },
        consumers: top.map(({ member, requests }) => ({ countedKey: member, requests })),
      };
      return reply.send(answer);
    } catch (error) {
      if (!(error instanceof TrafficStoreUnavailable)) throw error;
      request.log.warn({ err: error }, 'top consumers: the traffic store did not answer');
      return sendError(reply, 'RATE_LIMIT_STORE_UNAVAILABLE', 'The traffic store did not answer; try again.');
    }
  });
}

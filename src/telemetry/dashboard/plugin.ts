import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../edge/reply.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import { createTokenCheck, type RegistryToken } from '../../registry/http-auth.js';
import type { RequestObservation } from '../../request-context.js';
import type { WorkerFanIn } from '../fan-in.js';
import { mergeSnapshots } from './merge.js';
import { DashboardRing, type DashboardLimits, type RequestSample } from './ring.js';
import type { BreakerPhase } from './types.js';

/** The JSON the `/admin/` page polls. */
export const DASHBOARD_STATS_PATH = '/admin/api/stats';
/** What the workers answer `fanIn.gather` with. */
export const DASHBOARD_FAN_IN_KIND = 'dashboard';

export interface DashboardOptions {
  /** Gathers every worker's ring for the stats (a single process answers alone). */
  fanIn: WorkerFanIn;
  /** The admin tokens (`registry.tokens`). */
  tokens: readonly RegistryToken[];
  /** Whether the stats need an admin token: in production stages. */
  tokenRequired: boolean;
  /** Each subgraph breaker's phase in this process (the circuit breaker's `states()`); absent without breakers. */
  breakers?: (() => Iterable<readonly [subgraph: string, phase: BreakerPhase]>) | undefined;
  limits?: DashboardLimits;
  /** Wall-clock milliseconds: buckets are aligned to the epoch so that workers' buckets line up. */
  clock?: () => number;
}

/**
 * The built-in dashboard's data: after each GraphQL response, what telemetry observed of it goes
 * into this process's ring of the last hour; `GET /admin/api/stats` gathers every worker's ring and
 * merges them. Sits after the observation is complete (`useRequestObservation`), at the end of the
 * list; the page itself is served with the rest of the UI.
 */
export function useDashboard(options: DashboardOptions): GatewayPlugin {
  const ring = new DashboardRing(options.limits);
  const clock = options.clock ?? Date.now;
  const checkToken = createTokenCheck(options.tokens);
  options.fanIn.answer(DASHBOARD_FAN_IN_KIND, () =>
    ring.snapshot(
      clock(),
      [...(options.breakers?.() ?? [])].map(([subgraph, phase]) => ({ subgraph, phase })),
    ),
  );

  return {
    name: 'dashboard',
    edge: {
      onResponse(request, reply, done) {
        // Only GraphQL traffic: not the page's own polling, health checks or scrapes.
        const observation = request.observation;
        if (observation !== undefined && request.routeOptions.url === '/graphql') {
          ring.record(sampleOf(observation, reply), clock());
        }
        done();
      },
    },
    register(app) {
      app.get(DASHBOARD_STATS_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
        if (options.tokenRequired) {
          const check = checkToken(request.headers.authorization);
          if (!check.ok) {
            return sendError(
              reply.header('www-authenticate', 'Bearer').header('cache-control', 'no-store'),
              'UNAUTHENTICATED',
              refusal(check.missing, options.tokens.length > 0),
            );
          }
        }
        const answers = await options.fanIn.gather(DASHBOARD_FAN_IN_KIND);
        return reply
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          .send(mergeSnapshots(answers, clock()));
      });
    },
  };
}

function sampleOf(observation: RequestObservation, reply: FastifyReply): RequestSample {
  return {
    durationMs: reply.elapsedTime,
    error: reply.statusCode >= 400 || observation.errorCodes.length > 0,
    operation: observation.operationName ?? '(anonymous)',
    subgraphCalls: observation.subgraphCalls,
    refusal: observation.refusal,
  };
}

function refusal(missing: boolean, anyTokens: boolean): string {
  const what = 'The dashboard needs an admin token in production stages';
  if (!anyTokens) return `${what}, and none is configured (registry.tokens is empty): add one.`;
  if (missing) return `${what}: send the header "authorization: Bearer <token>".`;
  return 'The token is not an admin token of this gateway (registry.tokens).';
}

import type { FastifyRequest } from 'fastify';
import type { GatehouseConfig } from '../config/load.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';

/** Asks for the query plan in `extensions.__queryPlanExperimental` (Apollo Gateway's header). */
export const QUERY_PLAN_HEADER = 'apollo-query-plan-experimental';
/** `gatehouse-debug: subgraph-calls` asks for the subgraphs called, in `extensions.gatehouse.subgraphs`. */
export const DEBUG_HEADER = 'gatehouse-debug';
export const SUBGRAPH_CALLS_DEBUG = 'subgraph-calls';

/** One subgraph call as the response extension shows it. */
export interface SubgraphCallDebug {
  subgraph: string;
  durationMs: number;
  status?: number;
  errorCode?: string;
  deduplicated?: boolean;
}

const PLUGIN_NAME = 'query-plan-access';

/**
 * Whether {@link useQueryPlanAccess} belongs in the plugin list: where plans are open
 * (`exposeQueryPlans`, never in production stages), or when there are admin tokens to allow them.
 */
export function queryPlanAccessNeeded(
  config: Pick<GatehouseConfig, 'exposeQueryPlans' | 'registry'>,
): boolean {
  return config.exposeQueryPlans || config.registry.tokens.length > 0;
}

/**
 * Whether the executors may answer the query-plan header at all: where plans are open, or where
 * {@link useQueryPlanAccess} is installed to drop the header of each request that may not see one.
 */
export function executorsShowPlans(
  config: Pick<GatehouseConfig, 'exposeQueryPlans'>,
  plugins: readonly { readonly name: string }[],
): boolean {
  return config.exposeQueryPlans || plugins.some((plugin) => plugin.name === PLUGIN_NAME);
}

/**
 * Query plans and subgraph timings name subgraphs and internal operations: they are for whoever
 * runs the gateway. Where they are not open (`exposeQueryPlans`), a request gets them only with a
 * valid admin token in `gatehouse-admin-token` (checked by the admin-token plugin before this one);
 * otherwise the headers asking for them are dropped before anything reads them, and the request runs
 * as if they had not been sent.
 */
export function useQueryPlanAccess(config: Pick<GatehouseConfig, 'exposeQueryPlans'>): GatewayPlugin {
  const { exposeQueryPlans } = config;
  const showsCalls = new WeakSet<FastifyRequest>();

  return {
    name: PLUGIN_NAME,
    edge: {
      onRequest(request, _reply, done) {
        if (request.routeOptions.url !== '/graphql') return done();
        // The raw headers are what Apollo Server is handed (graphql-handler.ts).
        const headers = request.raw.headers;
        const debug = headers[DEBUG_HEADER];
        const wantsCalls = typeof debug === 'string' && debug.toLowerCase().includes(SUBGRAPH_CALLS_DEBUG);
        if (headers[QUERY_PLAN_HEADER] === undefined && !wantsCalls) return done();
        if (!exposeQueryPlans && request.admin !== true) {
          delete headers[QUERY_PLAN_HEADER];
          // Only its own value: the header may carry others (`cost`) that their plugins judge.
          const others = typeof debug === 'string' ? withoutSubgraphCalls(debug) : '';
          if (others === '') delete headers[DEBUG_HEADER];
          else headers[DEBUG_HEADER] = others;
        } else if (wantsCalls) {
          showsCalls.add(request);
        }
        done();
      },
    },
    operation: {
      async requestDidStart({ contextValue }) {
        if (!showsCalls.has(contextValue.request)) return;
        return {
          async willSendResponse({ contextValue: { request }, response }) {
            const calls = request.observation?.subgraphCalls;
            if (calls === undefined || response.body.kind !== 'single') return;
            const result = response.body.singleResult;
            const subgraphs = calls.map((call): SubgraphCallDebug => ({
              subgraph: call.subgraph,
              durationMs: Math.round(call.durationMs * 100) / 100,
              ...(call.status === undefined ? {} : { status: call.status }),
              ...(call.errorCode === undefined ? {} : { errorCode: call.errorCode }),
              ...(call.deduplicated === true ? { deduplicated: true } : {}),
            }));
            // Other plugins (demand control's `cost`) may answer under `gatehouse` too.
            const gatehouse = result.extensions?.gatehouse;
            const shown = typeof gatehouse === 'object' && gatehouse !== null ? gatehouse : {};
            result.extensions = { ...result.extensions, gatehouse: { ...shown, subgraphs } };
          },
        };
      },
    },
  };
}

/** The values of a `gatehouse-debug` header other than `subgraph-calls`, comma-separated. */
function withoutSubgraphCalls(header: string): string {
  return header
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '' && !value.toLowerCase().includes(SUBGRAPH_CALLS_DEBUG))
    .join(', ');
}

import { createGraphiQLFetcher } from '@graphiql/toolkit';
import type { Fetcher, FetcherResult } from '@graphiql/toolkit';

import type { InspectStore, SubgraphCall } from './sandbox/inspect-store.js';

/** The gateway's headers for plans and timings (src/gateway/query-plan-access.ts). */
const QUERY_PLAN_HEADER = 'apollo-query-plan-experimental';
const DEBUG_HEADER = 'gatehouse-debug';
const ADMIN_TOKEN_HEADER = 'gatehouse-admin-token';

/**
 * The sandbox is served under `/sandbox/`, so a relative `graphql` would resolve to `/sandbox/graphql`:
 * always post to the gateway's `/graphql` on the same origin.
 */
export function graphqlEndpoint(): string {
  return new URL('/graphql', location.origin).toString();
}

/**
 * GraphiQL's fetcher, which also asks for the query plan and the subgraph calls when the inspector
 * is on: it sends the headers, hands what comes back in `extensions` to the inspector, and takes it
 * out of the result shown (the panel shows it better). Introspection is left alone.
 */
export function createSandboxFetcher(inspect?: InspectStore): Fetcher {
  const fetcher = createGraphiQLFetcher({ url: graphqlEndpoint() });
  if (inspect === undefined) return fetcher;
  return async (params, options) => {
    const { plan, calls, adminToken } = inspect.get();
    if ((!plan && !calls) || params.operationName === 'IntrospectionQuery') return fetcher(params, options);
    const headers: Record<string, string> = { ...options?.headers };
    if (plan) headers[QUERY_PLAN_HEADER] = 'true';
    if (calls) headers[DEBUG_HEADER] = 'subgraph-calls';
    if (adminToken !== undefined) headers[ADMIN_TOKEN_HEADER] = adminToken;
    const result = await fetcher(params, { ...options, headers });
    const take = (single: Result): Result => {
      const extensions = { ...single.extensions };
      const shownPlan: unknown = extensions['__queryPlanExperimental'];
      const gatehouse: unknown = extensions['gatehouse'];
      delete extensions['__queryPlanExperimental'];
      delete extensions['gatehouse'];
      inspect.received({
        at: Date.now(),
        asked: { plan, calls },
        plan: typeof shownPlan === 'string' ? shownPlan : shownPlan === true ? 'none' : undefined,
        subgraphs: subgraphCallsOf(gatehouse),
      });
      const { extensions: _dropped, ...rest } = single;
      return Object.keys(extensions).length === 0 ? rest : { ...rest, extensions };
    };
    if (isAsyncIterable(result)) return mapResults(result, take);
    return isResult(result) ? take(result) : result;
  };
}

type Result = FetcherResult & { extensions?: Record<string, unknown> };

/**
 * GraphiQL's fetcher answers through an async iterable (it accepts incremental delivery); a plain
 * response is its only item.
 */
async function* mapResults(results: AsyncIterable<unknown>, take: (result: Result) => Result) {
  for await (const result of results) yield isResult(result) ? take(result) : result;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isResult(result: unknown): result is Result {
  return (
    typeof result === 'object' &&
    result !== null &&
    !Array.isArray(result) &&
    !(Symbol.asyncIterator in result) &&
    typeof (result as { subscribe?: unknown }).subscribe !== 'function'
  );
}

function subgraphCallsOf(gatehouse: unknown): SubgraphCall[] | undefined {
  if (typeof gatehouse !== 'object' || gatehouse === null) return undefined;
  const subgraphs: unknown = (gatehouse as { subgraphs?: unknown }).subgraphs;
  if (!Array.isArray(subgraphs)) return undefined;
  return subgraphs.filter(
    (call): call is SubgraphCall =>
      typeof call === 'object' &&
      call !== null &&
      typeof (call as SubgraphCall).subgraph === 'string' &&
      typeof (call as SubgraphCall).durationMs === 'number',
  );
}

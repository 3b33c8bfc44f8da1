import { GraphQLError } from 'graphql';
import {
  failureOf,
  withFailure,
  type SubgraphCall,
  type SubgraphResponse,
} from '../execution/transport/subgraph-call.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { RequestObservation } from '../request-context.js';

export interface InflightDedupeOptions {
  /**
   * A call is answered by another request's identical call in flight (tracing gives the wait a
   * span): called when it starts waiting; what it returns is called when the answer (or failure) is in.
   */
  onShared?: ((call: SubgraphCall) => ((error: unknown) => void) | undefined) | undefined;
}

/** A call in flight, and the calls of other client requests that wait for its answer. */
interface SharedCall {
  readonly waiters: Waiter[];
}

interface Waiter {
  resolve(response: SubgraphResponse): void;
  reject(error: unknown): void;
}

/**
 * In-flight de-duplication across client requests, as Hive Gateway does by default: a query to a
 * subgraph that is identical to one already in flight (same subgraph, same body, the same headers
 * with the same values) is not sent again; it waits for the answer of the one in flight. Because the
 * headers are part of the key, callers whose forwarded headers differ (claims, tokens) never share
 * an answer. Never for mutations, and never for REST connector subgraphs, whose answers depend on
 * more of the client request than the call carries (`$context`, `$request.headers`). Calls are
 * forgotten as soon as they settle: this shares work, it caches nothing.
 *
 * Both executors merge later fetches into the objects of a subgraph answer (Apollo's `deepMerge`,
 * `__typename` fix-ups and rewrites; Gatehouse's `mergeEntities`/`mergeRoot`), so an answer must
 * never reach two client requests as the same objects. The request that sent the call takes the
 * answer; each waiter gets its own deep copy, made when the answer arrives, before any executor can
 * touch it. A copy of parsed JSON costs about a quarter of parsing it again, and only waiters pay.
 * A failure reaches each waiter as its own error object too.
 *
 * The hooks after this one in the list run once for all the requests sharing a call, with the call
 * (and `context`) of the request that sent it: they must not depend on which client request it is.
 */
export function useInflightDedupe(options: InflightDedupeOptions = {}): GatewayPlugin {
  // Per subgraph and headers, then per body: the body, which can be long, is never copied into a key.
  const inflight = new Map<string, Map<string, SharedCall>>();

  return {
    name: 'inflight-dedupe',
    subgraphCall(call, next) {
      if (call.kind === 'mutation' || call.readsClientRequest === true) return next(call);
      const partition = partitionKey(call);
      let calls = inflight.get(partition);
      const shared = calls?.get(call.body);
      if (shared) {
        let waiting = new Promise<SubgraphResponse>((resolve, reject) =>
          shared.waiters.push({ resolve, reject }),
        );
        const finish = options.onShared?.(call);
        if (finish) {
          waiting = waiting.then(
            (response) => {
              finish(undefined);
              return response;
            },
            (error: unknown) => {
              finish(error);
              throw error;
            },
          );
        }
        const observation = call.context.request.observation;
        return observation === undefined ? waiting : observeWaiter(waiting, call.subgraph, observation);
      }
      if (!calls) inflight.set(partition, (calls = new Map()));
      const own: SharedCall = { waiters: [] };
      calls.set(call.body, own);
      const settled = () => {
        calls.delete(call.body);
        if (calls.size === 0) inflight.delete(partition);
      };
      return lead(call, next, own, settled);
    },
  };
}

async function lead(
  call: SubgraphCall,
  next: (call: SubgraphCall) => Promise<SubgraphResponse>,
  shared: SharedCall,
  settled: () => void,
): Promise<SubgraphResponse> {
  let response: SubgraphResponse;
  try {
    response = await next(call);
  } catch (error) {
    settled();
    for (const waiter of shared.waiters) waiter.reject(copyError(error));
    throw error;
  }
  // Synchronously, before this request's executor sees the answer: no one joins once it is removed,
  // and every waiter's copy is taken from the answer as the subgraph sent it.
  settled();
  for (const waiter of shared.waiters) waiter.resolve(copyJson(response) as SubgraphResponse);
  return response;
}

/**
 * Telemetry's record of a call answered by another request's: the hooks after this one (which
 * record the calls made) never see it, so it is recorded here, marked as de-duplicated.
 */
async function observeWaiter(
  waiting: Promise<SubgraphResponse>,
  subgraph: string,
  observation: RequestObservation,
): Promise<SubgraphResponse> {
  const started = performance.now();
  try {
    const response = await waiting;
    observation.subgraphCalls.push({ subgraph, durationMs: performance.now() - started, deduplicated: true });
    return response;
  } catch (error) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    observation.subgraphCalls.push({
      subgraph,
      durationMs: performance.now() - started,
      deduplicated: true,
      errorCode: typeof code === 'string' ? code : 'SUBGRAPH_UNAVAILABLE',
    });
    throw error;
  }
}

/**
 * The subgraph and every header sent, in a canonical order (by name), as unambiguous JSON. Header
 * names are compared exactly: the hooks before this one write them, the same way for every request.
 */
function partitionKey(call: SubgraphCall): string {
  const { headers } = call;
  const names = Object.keys(headers);
  if (names.length === 0) return JSON.stringify([call.subgraph]);
  names.sort();
  const parts: string[] = [call.subgraph];
  for (const name of names) parts.push(name, headers[name] as string);
  return JSON.stringify(parts);
}

/**
 * A deep copy of parsed JSON, exact: a `__proto__` key (which JSON.parse makes an own property)
 * stays an own property instead of setting the copy's prototype.
 */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index++) copy.push(copyJson(value[index]));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  const from = value as Record<string, unknown>;
  for (const key in from) {
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: copyJson(from[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = copyJson(from[key]);
    }
  }
  return copy;
}

/** A waiter's own copy of a failure: what it says and why, never the same object as another's. */
function copyError(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  const copy = new GraphQLError(error.message, {
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.originalError === undefined ? {} : { originalError: error.originalError }),
    extensions: { ...error.extensions },
  });
  const failure = failureOf(error);
  return failure === undefined ? copy : withFailure(copy, failure);
}

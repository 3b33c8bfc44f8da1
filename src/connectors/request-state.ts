import type DataLoader from 'dataloader';
import type { GatehouseContext } from '../request-context.js';
import type { CompiledConnector } from './compile.js';
import type { ConnectorResponse } from './http-client.js';

/** What connector calls share within one client request: identical calls run once, keys batch. */
export interface ConnectorRequestState {
  inflight: Map<string, Promise<ConnectorResponse>>;
  loaders: Map<CompiledConnector, DataLoader<Record<string, unknown>, unknown, string>>;
  /** `$context`: who is calling. */
  context: Readonly<Record<string, unknown>>;
  /**
   * The client's request headers (lower-case names), for `from:` headers. When the gateway forwards
   * tokens, `authorization` here is the verified token or nothing, as for GraphQL subgraphs.
   */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Headers the gateway's header rules add to this call (claims, the verified token). */
  forwarded: Readonly<Record<string, string>>;
  /** `$request`: as on Apollo Router, each header is a list of values (`$request.headers.x->first`). */
  request: { headers: Readonly<Record<string, string[]>> };
  /** The client request's context, for telemetry to tell which request's span a call belongs under. */
  client: GatehouseContext | undefined;
}

const states = new WeakMap<object, ConnectorRequestState>();

/**
 * The state of the client request a subgraph call belongs to. The gateway passes the same context
 * object to every call of one request, so state is kept per context object. With `verifiedToken`
 * (the gateway forwards tokens), `authorization` in the client headers a connector reads is the token
 * the gateway verified, or nothing, as for GraphQL subgraphs.
 */
export function requestStateFor(
  context: unknown,
  verifiedToken?: { authorization: string | undefined },
): ConnectorRequestState {
  const key = typeof context === 'object' && context !== null ? context : undefined;
  const existing = key ? states.get(key) : undefined;
  if (existing) return existing;
  const request = (key as Partial<GatehouseContext> | undefined)?.request;
  let headers: Readonly<Record<string, string | string[] | undefined>> = request?.headers ?? {};
  if (verifiedToken !== undefined) {
    const { authorization: _unverified, ...rest } = headers;
    headers =
      verifiedToken.authorization === undefined
        ? rest
        : { ...rest, authorization: verifiedToken.authorization };
  }
  const state: ConnectorRequestState = {
    inflight: new Map(),
    loaders: new Map(),
    context: callerContext(request, headers),
    headers,
    forwarded: {},
    request: { headers: headerLists(headers) },
    client: request === undefined ? undefined : (key as GatehouseContext),
  };
  if (key) states.set(key, state);
  return state;
}

function headerLists(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lists[name] = Array.isArray(value) ? [...value] : [value];
  }
  return lists;
}

function callerContext(
  request: GatehouseContext['request'] | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, unknown> {
  const principal = request?.principal;
  if (principal?.kind !== 'authenticated') return { authenticated: false, claims: {}, headers };
  return {
    authenticated: true,
    subject: principal.subject,
    scopes: [...principal.scopes],
    roles: [...principal.roles],
    ...(principal.tenant === undefined ? {} : { tenant: principal.tenant }),
    ...(principal.plan === undefined ? {} : { plan: principal.plan }),
    claims: principal.claims,
    headers,
  };
}

/**
 * Span attribute names. The stable OpenTelemetry ones come from `@opentelemetry/semantic-conventions`;
 * the GraphQL and body-size ones are still "development" there, whose exports may change, so they are
 * written out here as the conventions spell them. Gatehouse's own are under `gatehouse.`.
 */
export {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

export const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
export const ATTR_GRAPHQL_DOCUMENT = 'graphql.document';
export const ATTR_HTTP_RESPONSE_BODY_SIZE = 'http.response.body.size';

/** The plugin whose hook a span times, and which hook. */
export const ATTR_PLUGIN_NAME = 'gatehouse.plugin.name';
export const ATTR_PLUGIN_HOOK = 'gatehouse.plugin.hook';
/** The code a plugin refused the request with (on its span and the request's). */
export const ATTR_REFUSAL_CODE = 'gatehouse.refusal.code';
export const ATTR_REFUSAL_PLUGIN = 'gatehouse.refusal.plugin';
/** The `extensions.code` of the errors sent to the client. */
export const ATTR_ERROR_CODES = 'gatehouse.error_codes';
/** `hit` or `miss`: whether Gatehouse's executor found the plan in its cache. */
export const ATTR_PLAN_CACHE = 'gatehouse.plan.cache';
export const ATTR_SUBGRAPH_NAME = 'gatehouse.subgraph.name';
/** Entities a subgraph fetch answered (`_entities`, all of them in a merged fetch). */
export const ATTR_FETCH_ENTITIES = 'gatehouse.fetch.entities';
/** GraphQL errors in a subgraph's answer. */
export const ATTR_FETCH_ERRORS = 'gatehouse.fetch.errors';
/** True when the fetch carried several of the plan's fetches, merged; with how many. */
export const ATTR_FETCH_MERGED = 'gatehouse.fetch.merged';
export const ATTR_FETCH_PLAN_FETCHES = 'gatehouse.fetch.plan_fetches';
/** True when the answer was shared from another request's identical fetch in flight. */
export const ATTR_FETCH_DEDUPLICATED = 'gatehouse.fetch.deduplicated';
export const ATTR_CONNECTOR_ID = 'gatehouse.connector.id';

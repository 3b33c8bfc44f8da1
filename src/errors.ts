import { GraphQLError } from 'graphql';

/**
 * Every error code Gatehouse emits, with the HTTP status it answers with and the message a
 * client sees. Client-facing errors are built from here so that codes, statuses and wording
 * stay consistent; `test/unit/errors.test.ts` walks the catalogue.
 */
export const errorCatalogue = {
  BAD_REQUEST: { status: 400, message: 'The request is not a valid GraphQL request.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  MISSING_QUERY: { status: 400, message: 'The request has no GraphQL query.' },
  GRAPHQL_PARSE_FAILED: { status: 400, message: 'The GraphQL query could not be parsed.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, message: 'The GraphQL query is not valid against the schema.' },
  OPERATION_RESOLUTION_FAILURE: { status: 400, message: 'The requested operation was not found.' },
  UNAUTHENTICATED: {
    status: 401,
    message: 'The request has no valid credentials: send a valid token or API key.',
  },
  FORBIDDEN: { status: 403, message: 'The caller is not allowed to do what this request asks.' },
  // Sent per removed field inside a 200 partial response; 403 is what the request gets when every
  // field was removed (as FORBIDDEN). Wording and code as in Apollo Router.
  UNAUTHORIZED_FIELD_OR_TYPE: { status: 403, message: 'Unauthorized field or type' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Only queries can be sent with GET; use POST.' },
  NOT_FOUND: { status: 404, message: 'There is nothing at this path.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Unsupported content type: send application/json (or application/graphql-response+json).',
  },
  CSRF_PREVENTED: {
    status: 400,
    message:
      'This request was blocked as a possible CSRF attempt: send a Content-Type of application/json or an Apollo-Require-Preflight header.',
  },
  // Operation limits (security.limits): refused after parsing, before validation and planning.
  MAX_DEPTH_EXCEEDED: { status: 400, message: 'The operation is nested deeper than the gateway allows.' },
  MAX_ALIASES_EXCEEDED: { status: 400, message: 'The operation has more aliases than the gateway allows.' },
  MAX_ROOT_FIELDS_EXCEEDED: {
    status: 400,
    message: 'The operation selects more root fields than the gateway allows.',
  },
  MAX_DIRECTIVES_EXCEEDED: {
    status: 400,
    message: 'The document has more directives than the gateway allows.',
  },
  MAX_TOKENS_EXCEEDED: { status: 400, message: 'The document has more tokens than the gateway allows.' },
  MAX_FRAGMENTS_EXCEEDED: {
    status: 400,
    message: 'The document defines more fragments than the gateway allows.',
  },
  MAX_SPREADS_EXCEEDED: {
    status: 400,
    message: 'The operation spreads fragments more times than the gateway allows.',
  },
  MAX_VARIABLES_EXCEEDED: { status: 400, message: 'The request has more variables than the gateway allows.' },
  // Replaces the errors past security.limits.maxErrors inside a response; the response keeps its status.
  TOO_MANY_ERRORS: { status: 200, message: 'More errors occurred than the gateway sends in one response.' },
  BATCHING_DISABLED: {
    status: 400,
    message: 'Batched requests (a JSON array of operations) are not enabled on this gateway.',
  },
  BATCH_TOO_LARGE: { status: 400, message: 'The batch has more operations than the gateway allows.' },
  REQUEST_HEADER_FIELDS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are larger than the gateway allows.',
  },
  // Demand control (security.cost).
  COST_ESTIMATED_TOO_EXPENSIVE: {
    status: 400,
    message: 'The operation is estimated to cost more than the gateway allows.',
  },
  // Persisted queries and trusted documents; the first two are Apollo's APQ codes.
  PERSISTED_QUERY_NOT_FOUND: { status: 200, message: 'PersistedQueryNotFound' },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 200, message: 'PersistedQueryNotSupported' },
  PERSISTED_QUERY_HASH_MISMATCH: {
    status: 400,
    message: 'The persisted query hash is not the SHA-256 of the query sent with it.',
  },
  PERSISTED_QUERY_NOT_IN_SAFELIST: {
    status: 403,
    message: 'This operation is not one of the trusted documents this gateway runs.',
  },
  // Traffic control (traffic:). RATE_LIMITED is also the field error of a subgraph call over its
  // rule, inside a partial response.
  RATE_LIMITED: { status: 429, message: 'Too many requests: a rate limit or quota is spent; retry later.' },
  COST_BUDGET_EXHAUSTED: {
    status: 429,
    message: "The caller's cost budget for this period is spent; retry when the period resets.",
  },
  RATE_LIMIT_STORE_UNAVAILABLE: {
    status: 503,
    message: 'The rate-limit store cannot be reached, and the gateway is configured to refuse meanwhile.',
  },
  INTROSPECTION_DISABLED: { status: 403, message: 'Introspection is not allowed for this caller.' },
  IP_NOT_ALLOWED: { status: 403, message: 'Requests from this address are not allowed here.' },
  NOT_READY: { status: 503, message: 'The gateway has not loaded a supergraph yet.' },
  SHUTTING_DOWN: { status: 503, message: 'The gateway is shutting down.' },
  SUBGRAPH_UNAVAILABLE: {
    status: 502,
    message: 'A subgraph could not be reached or did not answer in time.',
  },
  SUBGRAPH_BAD_RESPONSE: { status: 502, message: 'A subgraph answered with something that is not GraphQL.' },
  SUBGRAPH_RESPONSE_TOO_LARGE: {
    status: 502,
    message: 'A subgraph answered with a response larger than the configured limit.',
  },
  // Field errors of REST connectors, inside a 200 partial response; the status is what they mean.
  CONNECTOR_HTTP_ERROR: { status: 502, message: 'A REST service behind a connector answered with an error.' },
  CONNECTOR_TIMEOUT: { status: 504, message: 'A REST service behind a connector did not answer in time.' },
  CONNECTOR_UNAVAILABLE: { status: 502, message: 'A REST service behind a connector could not be reached.' },
  CONNECTOR_BAD_RESPONSE: {
    status: 502,
    message: 'A REST service behind a connector answered with a body that is not JSON.',
  },
  CONNECTOR_RESPONSE_TOO_LARGE: {
    status: 502,
    message: 'A REST service behind a connector answered with a body larger than the configured limit.',
  },
  AUTHORIZER_UNAVAILABLE: {
    status: 503,
    message: 'The external authorizer could not be reached or did not answer in time.',
  },
  SANDBOX_NOT_BUILT: { status: 503, message: 'The sandbox UI is not built: run npm run build' },
  INTERNAL_SERVER_ERROR: { status: 500, message: 'Internal server error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Codes Apollo Server emits itself with these statuses; listed so that clients see one catalogue. */
export const apolloServerCodes: readonly ErrorCode[] = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_SUPPORTED',
];

export interface GraphQLErrorBody {
  errors: { message: string; extensions: { code: ErrorCode } & Record<string, unknown> }[];
}

export function httpStatusOf(code: ErrorCode): number {
  return errorCatalogue[code].status;
}

/** A GraphQL-shaped error body for failures that happen before GraphQL execution. */
export function errorBody(
  code: ErrorCode,
  message?: string,
  extensions: Record<string, unknown> = {},
): GraphQLErrorBody {
  return {
    errors: [{ message: message ?? errorCatalogue[code].message, extensions: { ...extensions, code } }],
  };
}

export function gatehouseError(
  code: ErrorCode,
  message?: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message ?? errorCatalogue[code].message, { extensions: { ...extensions, code } });
}

/** A failure the operator must fix (bad config, composition errors): printed without a stack, exit 1. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

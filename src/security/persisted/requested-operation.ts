import type { FastifyRequest } from 'fastify';

/** What the trusted-documents check reads of one operation of a request, before Apollo parses it. */
export interface RequestedOperation {
  /** The operation text, when sent. */
  readonly query: string | undefined;
  /** The id sent instead of the text: `documentId`, or the APQ hash of a request without text. */
  readonly id: string | undefined;
  /** Whether the id came as `extensions.persistedQuery` (Apollo's APQ) rather than `documentId`. */
  readonly viaPersistedQuery: boolean;
  readonly operationName: string | undefined;
}

/**
 * The operations of a /graphql request: one for a POST with a JSON object or a GET, one per element
 * of a batch (which the request limits let through only when batching is on). The body is already
 * bounded by `server.bodyLimitBytes`, a GET by the URL length Node accepts.
 */
export function requestedOperations(request: FastifyRequest): RequestedOperation[] {
  if (request.method === 'GET') return [operationOf(request.query, true)];
  const body: unknown = request.body;
  if (Array.isArray(body)) return body.map((element: unknown) => operationOf(element, false));
  return [operationOf(body, false)];
}

function operationOf(fields: unknown, fromQueryString: boolean): RequestedOperation {
  if (typeof fields !== 'object' || fields === null)
    return { query: undefined, id: undefined, viaPersistedQuery: false, operationName: undefined };
  const record = fields as Record<string, unknown>;
  const query = typeof record.query === 'string' ? record.query : undefined;
  const operationName = typeof record.operationName === 'string' ? record.operationName : undefined;
  const documentId = idOf(record.documentId);
  if (documentId !== undefined) return { query, id: documentId, viaPersistedQuery: false, operationName };
  const extensions = fromQueryString ? parsedJson(record.extensions) : record.extensions;
  const hash = idOf(persistedQueryHash(extensions));
  return {
    query,
    id: query === undefined ? hash : undefined,
    viaPersistedQuery: hash !== undefined,
    operationName,
  };
}

/** `extensions.persistedQuery.sha256Hash`, when it is a string. */
export function persistedQueryHash(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted = (extensions as Record<string, unknown>).persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const hash = (persisted as Record<string, unknown>).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The operation's name for messages: `operationName`, else the name after `query`/`mutation`. */
export function operationLabel(operation: RequestedOperation): string {
  const name =
    operation.operationName ??
    /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(operation.query ?? '')?.[1];
  return name === undefined ? 'an anonymous operation' : `operation "${name.slice(0, 100)}"`;
}

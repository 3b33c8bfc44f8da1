import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SecurityConfig } from '../../config/security-schema.js';
import { errorBody, UserFacingError, type ErrorCode } from '../../errors.js';
import { LruCache } from '../../execution/lru-cache.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import { noteErrorCode } from '../../request-context.js';
import { ManifestFileSource } from './manifest-file.js';
import {
  operationLabel,
  persistedQueryHash,
  requestedOperations,
  type RequestedOperation,
} from './requested-operation.js';
import type { TrustedDocumentSource } from './source.js';
import { followSources, sha256Hex, TrustedSet } from './trusted-set.js';

export const TRUSTED_DOCUMENTS_PLUGIN = 'trusted-documents';

/** What the plugin logs with (pino's logger fits). */
export interface TrustedDocumentsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface TrustedDocumentsOptions {
  logger: TrustedDocumentsLogger;
  /** Sources besides the manifest files (the registry's safelist), after them in priority. */
  sources?: readonly TrustedDocumentSource[];
}

/** Operations `log` mode has reported, so each (operation, client) is logged once; bounded. */
const MAX_REPORTED = 10_000;
const MAX_CLIENT_NAME = 100;

/** Installed when trusted documents are enforced or logged, or when a source gives ids to resolve. */
export function trustedDocumentsNeeded(settings: SecurityConfig['trustedDocuments']): boolean {
  return settings.mode !== 'off' || settings.manifests.length > 0 || settings.registry;
}

/**
 * Trusted documents: the operations a public API's own clients ship, from manifest files (reloaded
 * when they change) and the registry's safelist.
 *
 * - A request that sends only an id (`documentId`, or `extensions.persistedQuery` without a query)
 *   gets the document's text filled in before Apollo Server parses it, in `requestDidStart`, which
 *   runs before Apollo's APQ look-up; the `persistedQuery` extension is then taken out so Apollo does
 *   not look it up or register it. Everything after (operation limits, cost, authorization) runs on
 *   the filled-in operation as on any other.
 * - `enforce` refuses, at the edge once the body is read (so with no GraphQL work), a text whose
 *   SHA-256 no source trusts (403 PERSISTED_QUERY_NOT_IN_SAFELIST, naming the operation and client)
 *   and an id no source has (PERSISTED_QUERY_NOT_FOUND); a valid admin token bypasses it when
 *   `allowAdminToken`. `log` serves them and logs each (operation, client) once.
 */
export async function useTrustedDocuments(
  settings: SecurityConfig['trustedDocuments'],
  options: TrustedDocumentsOptions,
): Promise<GatewayPlugin> {
  const { logger } = options;
  const sources: TrustedDocumentSource[] = [
    ...settings.manifests.map(
      (path) =>
        new ManifestFileSource({
          path,
          onReloadError: (message) =>
            logger.error(
              { manifest: path },
              `trusted documents: ${message}; the documents loaded before stay trusted`,
            ),
        }),
    ),
    ...(options.sources ?? []),
  ];
  const trusted = new TrustedSet(sources.length);
  try {
    await followSources(sources, trusted, (source, documents) =>
      logger.info({ source: source.name, documents: documents.length }, 'trusted documents: reloaded'),
    );
  } catch (error) {
    // The operator's to fix (a manifest's path or content): printed at start without a stack.
    if (error instanceof UserFacingError || !(error instanceof Error)) throw error;
    throw new UserFacingError(error.message);
  }
  logger.info(
    { mode: settings.mode, documents: trusted.size, sources: sources.map((source) => source.name) },
    'trusted documents: loaded',
  );
  const reported = new LruCache<string, true>({ maxBytes: MAX_REPORTED });

  const check = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const bypass = settings.allowAdminToken && request.admin === true;
    const client = clientOf(request);
    for (const operation of requestedOperations(request)) {
      if (operation.query === undefined) {
        if (operation.id === undefined || trusted.byDocumentId(operation.id) !== undefined) continue;
        // An id no source has: an APQ hash may still be in Apollo's APQ store (unless enforced, as a
        // hash registered by an admin is no trusted document); a `documentId` nobody else resolves.
        if (operation.viaPersistedQuery && (settings.mode !== 'enforce' || bypass)) continue;
        refuse(reply, unknownId(operation));
        return false;
      }
      if (settings.mode === 'off' || trusted.trustsText(sha256Hex(operation.query))) continue;
      if (settings.mode === 'log' || bypass) {
        if (settings.mode === 'log') report(operation, client);
        continue;
      }
      refuse(reply, {
        code: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
        status: 403,
        message: `The ${operationLabel(operation)} from client ${client.label} is not one of the trusted documents (security.trustedDocuments.mode is enforce): send the id of a document from the manifest.`,
      });
      return false;
    }
    return true;
  };

  const report = (operation: RequestedOperation, client: Client) => {
    const hash = sha256Hex(operation.query ?? '');
    const key = `${hash} ${client.name ?? ''} ${client.version ?? ''}`;
    if (reported.get(key)) return;
    reported.set(key, true, 1);
    logger.warn(
      {
        operationName: operation.operationName,
        operationHash: hash,
        clientName: client.name,
        clientVersion: client.version,
      },
      `trusted documents: the ${operationLabel(operation)} from client ${client.label} is not a trusted document (served: mode is log)`,
    );
  };

  return {
    name: TRUSTED_DOCUMENTS_PLUGIN,
    edge: {
      afterBody(request, reply, done) {
        if (request.routeOptions.url !== '/graphql') return done();
        if (check(request, reply)) done();
      },
    },
    operation: {
      async requestDidStart({ request }) {
        if (request.query !== undefined) return;
        const documentId = documentIdOf(request.http?.body, request.http?.method, request.http?.search);
        const id = documentId ?? persistedQueryHash(request.extensions);
        if (id === undefined) return;
        const document = trusted.byDocumentId(id);
        if (document === undefined) return;
        request.query = document.body;
        if (request.extensions?.persistedQuery !== undefined) {
          const { persistedQuery: _resolved, ...others } = request.extensions;
          request.extensions = others;
        }
      },
    },
    async dispose() {
      for (const source of sources) await source.close();
    },
  };
}

interface Client {
  readonly name: string | undefined;
  readonly version: string | undefined;
  /** `"web" 1.2.0`, or `(unnamed)` without the header. */
  readonly label: string;
}

function clientOf(request: FastifyRequest): Client {
  const name = headerValue(request.headers['apollographql-client-name']);
  const version = headerValue(request.headers['apollographql-client-version']);
  const label = name === undefined ? '(unnamed: no apollographql-client-name header)' : JSON.stringify(name);
  return { name, version, label: version === undefined ? label : `${label} ${JSON.stringify(version)}` };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.length === 0 ? undefined : text.slice(0, MAX_CLIENT_NAME);
}

interface Refusal {
  readonly code: ErrorCode;
  readonly status: number;
  readonly message: string;
}

function unknownId(operation: RequestedOperation): Refusal {
  // Bounded in the message: the id is the client's.
  const id = JSON.stringify(operation.id?.slice(0, 100));
  // Apollo's APQ clients read PERSISTED_QUERY_NOT_FOUND with 200 as "send the full query", and
  // then get PERSISTED_QUERY_NOT_IN_SAFELIST; a `documentId` has no such retry, hence 400.
  return operation.viaPersistedQuery
    ? { code: 'PERSISTED_QUERY_NOT_FOUND', status: 200, message: 'PersistedQueryNotFound' }
    : {
        code: 'PERSISTED_QUERY_NOT_FOUND',
        status: 400,
        message: `No trusted document has the id ${id} (documentId); the gateway knows only the ids of its manifests and safelist.`,
      };
}

function refuse(reply: FastifyReply, { code, status, message }: Refusal): void {
  noteErrorCode(reply.request, code);
  void reply.code(status).type('application/json').send(errorBody(code, message));
}

/** The `documentId` of a POST body (Apollo passes the body through) or of a GET's query string. */
function documentIdOf(
  body: unknown,
  method: string | undefined,
  search: string | undefined,
): string | undefined {
  if (method === 'GET') return new URLSearchParams(search).get('documentId') ?? undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const id = (body as Record<string, unknown>).documentId;
  return typeof id === 'string' ? id : undefined;
}

import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { GraphQLError } from 'graphql';
import type { AuthConfig } from '../config/auth-schema.js';
import { errorBody, errorCatalogue, UserFacingError, type ErrorCode } from '../errors.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { noteErrorCode } from '../request-context.js';
import type { Store } from '../store/index.js';
import { ApiKeys } from './api-keys.js';
import {
  AuthorizerUnavailable,
  CredentialRejected,
  authorizerUnavailableError,
  unauthenticatedError,
  type HttpErrorExtension,
} from './auth-error.js';
import type { AuthorizerClient } from './authorizer.js';
import { createJwtVerifier, readToken, type JwtVerifier } from './jwt.js';
import { ANONYMOUS, type Principal } from './principal.js';

export interface IdentityRequest {
  headers: IncomingHttpHeaders;
  log: FastifyBaseLogger;
}

/** Resolves a request to its principal; a bad credential throws a 401 `GraphQLError`. */
export type Identifier = (request: IdentityRequest) => Promise<Principal>;

/** Whether any identity source is configured, or anonymous callers are refused. */
export function identityEnabled(auth: AuthConfig): boolean {
  return (
    auth.jwt !== undefined ||
    auth.apiKeys !== undefined ||
    auth.authorizer !== undefined ||
    auth.require === 'authenticated'
  );
}

/**
 * Builds the identifier from the config. Sources are tried in a fixed order, and the first
 * credential present decides: an API key (its header), then a JWT (its header or cookie), then the
 * external authorizer (when any header it reads is present). A credential that is present but bad
 * is refused, never skipped over. No credential at all is anonymous, which
 * `require: authenticated` refuses.
 */
export async function createIdentifier(
  auth: AuthConfig,
  store: Store | undefined,
  authorizer: AuthorizerClient | undefined,
  log: FastifyBaseLogger,
): Promise<Identifier> {
  if (auth.apiKeys !== undefined && store === undefined) throw new Error('auth.apiKeys needs a store');
  if (auth.authorizer !== undefined && authorizer === undefined) {
    throw new Error('auth.authorizer needs its client');
  }
  const apiKeys =
    auth.apiKeys && store
      ? { header: auth.apiKeys.header.toLowerCase(), keys: new ApiKeys(store) }
      : undefined;
  const jwt: { config: NonNullable<AuthConfig['jwt']>; verifier: JwtVerifier } | undefined = auth.jwt && {
    config: auth.jwt,
    verifier: await createJwtVerifier(auth.jwt, log),
  };
  const requireAuthenticated = auth.require === 'authenticated';

  const resolve = async ({ headers }: IdentityRequest): Promise<Principal> => {
    const key = apiKeys && firstValue(headers[apiKeys.header]);
    if (apiKeys && key !== undefined) return apiKeys.keys.verify(key);
    const token = jwt && readToken(headers, jwt.config);
    if (jwt && token !== undefined) return jwt.verifier.verify(token);
    if (authorizer?.applies(headers)) {
      const decision = await authorizer.identify(headers);
      if (!decision.allow) throw new CredentialRejected('request denied by the authorizer');
      return decision.principal;
    }
    return ANONYMOUS;
  };

  return async (request) => {
    try {
      const principal = await resolve(request);
      if (principal.kind === 'anonymous' && requireAuthenticated) {
        throw new CredentialRejected('authentication required', jwt ? { challenge: 'Bearer' } : {});
      }
      return principal;
    } catch (error) {
      if (error instanceof CredentialRejected) {
        request.log.debug({ reason: error.reason, detail: detailOf(error.cause) }, 'credential refused');
        throw unauthenticatedError(error.reason, error.challenge);
      }
      if (error instanceof AuthorizerUnavailable) throw authorizerUnavailableError();
      throw error;
    }
  };
}

export interface IdentityResources {
  /** The store holding API keys; needed with `auth.apiKeys`. */
  store?: Store | undefined;
  /** The external authorizer's client; needed with `auth.authorizer`. */
  authorizer?: AuthorizerClient | undefined;
  logger: FastifyBaseLogger;
}

/**
 * Identity at the edge, after the body is read: strips client-sent copies of the headers the gateway
 * forwards claims in, then sets `request.principal` or answers 401/503. In the plugin list only when
 * {@link identityEnabled} or claims are forwarded.
 */
export async function useIdentity(
  auth: AuthConfig,
  resources: IdentityResources,
  /** Headers the gateway fills from the principal: client-sent copies are removed. */
  forged: readonly string[],
): Promise<GatewayPlugin> {
  assertNoCredentialHeader(auth, forged);
  const identify = identityEnabled(auth)
    ? await createIdentifier(auth, resources.store, resources.authorizer, resources.logger)
    : undefined;
  return {
    name: 'identity',
    edge: {
      async afterBody(request, reply) {
        if (request.routeOptions.url !== '/graphql') return;
        for (const header of forged) delete request.headers[header];
        if (identify === undefined) return;
        try {
          request.principal = await identify(request);
        } catch (error) {
          if (error instanceof GraphQLError) return sendGraphQLError(reply, error);
          throw error;
        }
      },
    },
  };
}

/** Answers with a refusal built by this module: its status, its headers, a GraphQL-shaped body. */
function sendGraphQLError(reply: FastifyReply, error: GraphQLError): FastifyReply {
  const code = error.extensions.code as ErrorCode;
  noteErrorCode(reply.request, code);
  const http = error.extensions.http as HttpErrorExtension | undefined;
  for (const [name, value] of http?.headers ?? []) reply.header(name, value);
  return reply
    .code(http?.status ?? errorCatalogue[code].status)
    .type('application/json')
    .send(errorBody(code, error.message));
}

/** A forwarded-claim header that is also a credential header would be stripped before it is read. */
function assertNoCredentialHeader(auth: AuthConfig, forged: readonly string[]): void {
  const credentialHeaders = new Set(
    ['cookie', auth.jwt?.header, auth.apiKeys?.header, ...(auth.authorizer?.headers ?? [])]
      .filter((name): name is string => name !== undefined)
      .map((name) => name.toLowerCase()),
  );
  const clash = forged.find((header) => credentialHeaders.has(header));
  if (clash !== undefined) {
    throw new UserFacingError(
      `auth.forwardClaims: header "${clash}" carries credentials from clients; forward the claim in another header`,
    );
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function detailOf(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}${inner}`;
}

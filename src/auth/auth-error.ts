import { GraphQLError } from 'graphql';
import { errorCatalogue } from '../errors.js';

/**
 * A credential was presented and refused. `reason` is what the client may read ("token expired");
 * `cause` is the detail for the debug log only, never for the response.
 */
export class CredentialRejected extends Error {
  /** A `WWW-Authenticate` value to answer with, for bearer tokens. */
  readonly challenge: string | undefined;

  constructor(
    readonly reason: string,
    options: { cause?: unknown; challenge?: string } = {},
  ) {
    super(reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CredentialRejected';
    this.challenge = options.challenge;
  }
}

/** The external authorizer failed (timeout, refused, bad answer) and `failOpen` is off. */
export class AuthorizerUnavailable extends Error {
  constructor(options: { cause?: unknown } = {}) {
    super('authorizer unavailable', options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthorizerUnavailable';
  }
}

export interface HttpErrorExtension {
  status: number;
  headers: Map<string, string>;
}

/** The client-facing 401: the general reason only, with Apollo Server's `extensions.http` shape. */
export function unauthenticatedError(reason: string, challenge?: string): GraphQLError {
  const headers = new Map<string, string>();
  if (challenge !== undefined) headers.set('www-authenticate', challenge);
  return new GraphQLError(reason, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: errorCatalogue.UNAUTHENTICATED.status, headers },
    },
  });
}

export function authorizerUnavailableError(): GraphQLError {
  return new GraphQLError(errorCatalogue.AUTHORIZER_UNAVAILABLE.message, {
    extensions: {
      code: 'AUTHORIZER_UNAVAILABLE',
      http: { status: errorCatalogue.AUTHORIZER_UNAVAILABLE.status, headers: new Map<string, string>() },
    },
  });
}

/** `WWW-Authenticate` for a refused bearer token (RFC 6750 §3); the description is the general reason. */
export function bearerChallenge(reason: string): string {
  return `Bearer error="invalid_token", error_description="${reason}"`;
}

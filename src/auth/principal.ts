/**
 * Who is calling. Every request to /graphql resolves to exactly one principal before GraphQL runs:
 * `anonymous` when it carries no credential, otherwise the identity a credential proved.
 */
export type Principal = AnonymousPrincipal | AuthenticatedPrincipal;

export interface AnonymousPrincipal {
  kind: 'anonymous';
}

export interface AuthenticatedPrincipal {
  kind: 'authenticated';
  /** Which identity source proved it. */
  source: 'jwt' | 'api-key' | 'authorizer';
  subject: string;
  scopes: ReadonlySet<string>;
  roles: ReadonlySet<string>;
  tenant?: string;
  /** Every claim of the token (or the authorizer's answer); empty for API keys. */
  claims: Readonly<Record<string, unknown>>;
  /** The usage plan of an API key. */
  plan?: string;
  /** The id of the API key used. */
  keyId?: string;
  /**
   * Names the exact credential that proved this principal (a SHA-256 of the token, the API key's
   * id, a hash of the headers the authorizer decided on), so that a cached security decision is
   * never reused for another credential of the same subject.
   */
  credential: string;
}

export const ANONYMOUS: AnonymousPrincipal = Object.freeze({ kind: 'anonymous' });

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the identity hook on /graphql; absent when no identity feature is configured. */
    principal?: Principal;
  }
}

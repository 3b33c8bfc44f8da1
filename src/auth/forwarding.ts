import type { IncomingHttpHeaders } from 'node:http';
import type { AuthConfig } from '../config/auth-schema.js';
import { claimValue } from './jwt-claims.js';
import { jwtCredential, readToken } from './jwt.js';
import type { Principal } from './principal.js';

/**
 * A principal's value for a forwarded claim, as header text: a principal field (`subject`,
 * `tenant`, `scopes`, `roles`, `plan`, `keyId`, `source`) or else a claim of the token or authorizer
 * answer (a dotted path reaches nested claims). Lists are joined with spaces, objects sent as JSON;
 * a value that is not printable ASCII is left out rather than sent mangled. Undefined for an
 * anonymous caller.
 */
export function claimHeaderValue(principal: Principal | undefined, claim: string): string | undefined {
  return principal?.kind === 'authenticated' ? headerText(principalValue(principal, claim)) : undefined;
}

function principalValue(principal: Extract<Principal, { kind: 'authenticated' }>, claim: string): unknown {
  switch (claim) {
    case 'subject':
      return principal.subject;
    case 'tenant':
      return principal.tenant;
    case 'scopes':
      return [...principal.scopes];
    case 'roles':
      return [...principal.roles];
    case 'plan':
      return principal.plan;
    case 'keyId':
      return principal.keyId;
    case 'source':
      return principal.source;
    default:
      return claimValue(principal.claims, claim);
  }
}

/**
 * The token that proved this principal, as `Bearer <token>` (wherever it was read from: header or
 * cookie). Nothing for any other caller: a token beside an API key, an anonymous caller's header or
 * a scheme the gateway does not verify never reaches a subgraph, since it was never checked.
 */
export function verifiedBearerToken(
  principal: Principal | undefined,
  headers: IncomingHttpHeaders,
  auth: AuthConfig,
): string | undefined {
  if (principal?.kind !== 'authenticated' || principal.source !== 'jwt' || auth.jwt === undefined) {
    return undefined;
  }
  const token = readToken(headers, auth.jwt);
  if (token === undefined || principal.credential !== jwtCredential(token)) return undefined;
  return headerText(`Bearer ${token}`);
}

function headerText(value: unknown): string | undefined {
  let text: string;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) text = value.join(' ');
  else text = JSON.stringify(value);
  return text !== '' && /^[\x20-\x7e]*$/.test(text) ? text : undefined;
}

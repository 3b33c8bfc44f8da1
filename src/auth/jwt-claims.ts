import type { JWTPayload } from 'jose';
import { CredentialRejected, bearerChallenge } from './auth-error.js';
import type { IssuerConfig } from './jwt-keys.js';
import type { AuthenticatedPrincipal } from './principal.js';

/** Maps a verified token's claims onto a principal, as the issuer's `claims` section says. */
export function principalFromClaims(
  payload: JWTPayload,
  mapping: IssuerConfig['claims'],
): Omit<AuthenticatedPrincipal, 'credential'> {
  const subject = claimValue(payload, mapping.subject);
  if (typeof subject !== 'string' || subject === '') {
    throw new CredentialRejected('token has no subject', {
      challenge: bearerChallenge('token has no subject'),
    });
  }
  const scopeClaim = mapping.scopes.find((claim) => claimValue(payload, claim) !== undefined);
  const tenant = claimValue(payload, mapping.tenant);
  return {
    kind: 'authenticated',
    source: 'jwt',
    subject,
    scopes: toSet(scopeClaim === undefined ? undefined : claimValue(payload, scopeClaim)),
    roles: toSet(claimValue(payload, mapping.roles)),
    ...(typeof tenant === 'string' || typeof tenant === 'number' ? { tenant: String(tenant) } : {}),
    claims: Object.freeze({ ...payload }),
  };
}

/** A space-separated string or an array of strings (OAuth `scope`, Azure `scp`, Keycloak-style roles). */
export function toSet(value: unknown): ReadonlySet<string> {
  if (typeof value === 'string') return new Set(value.split(/\s+/).filter(Boolean));
  if (Array.isArray(value)) {
    return new Set(value.filter((item): item is string => typeof item === 'string' && item !== ''));
  }
  return new Set();
}

/**
 * A claim by name, or else by a dotted path into nested claims (`realm_access.roles`). The exact
 * name wins, because namespaced claims (`https://example.com/roles`) contain dots themselves.
 */
export function claimValue(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  if (!name.includes('.')) return undefined;
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

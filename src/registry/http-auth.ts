import { createHash, timingSafeEqual } from 'node:crypto';

export interface RegistryToken {
  /** Shown in the history as who made a change. */
  name: string;
  token: string;
}

export type TokenCheck = { ok: true; actor: string } | { ok: false; reason: string };

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `authorization: Bearer <token>` against the registry's tokens. Both sides are hashed first,
 * so every comparison is of 32 bytes whatever the lengths, and every token is compared (no early
 * exit): the time taken says nothing about how close a guess was, or which token it was near.
 */
export function createTokenCheck(tokens: readonly RegistryToken[]): (authorization?: string) => TokenCheck {
  const known = tokens.map(({ name, token }) => ({ name, digest: sha256(token) }));
  return (authorization) => {
    if (known.length === 0) {
      return { ok: false, reason: 'this registry has no tokens (registry.tokens), so it accepts none' };
    }
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, reason: 'no token: send the header "authorization: Bearer <token>"' };
    }
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) {
      return { ok: false, reason: 'the authorization header is not "Bearer <token>"' };
    }
    const digest = sha256(match[1]);
    let actor: string | undefined;
    for (const candidate of known) {
      if (timingSafeEqual(candidate.digest, digest) && actor === undefined) actor = candidate.name;
    }
    return actor === undefined
      ? { ok: false, reason: 'the token is not one this registry accepts' }
      : { ok: true, actor };
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';

export interface RegistryToken {
  /** Shown in the history as who made a change. */
  name: string;
  token: string;
}

/** `missing`: no token was sent (or none could be accepted); `refused`: one was sent and is not valid. */
export type TokenCheck = { ok: true; actor: string } | { ok: false; missing: boolean };

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `authorization: Bearer <token>` against the registry's tokens. Both sides are hashed first,
 * so every comparison is of 32 bytes whatever the lengths, and every token is compared (no early
 * exit): the time taken says nothing about how close a guess was, or which token it was near.
 */
export function createTokenCheck(tokens: readonly RegistryToken[]): (authorization?: string) => TokenCheck {
  const known = tokens.map(({ name, token }) => ({ name, digest: sha256(token) }));
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return { ok: false, missing: true };
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) return { ok: false, missing: false };
    const digest = sha256(match[1]);
    let actor: string | undefined;
    for (const candidate of known) {
      if (timingSafeEqual(candidate.digest, digest) && actor === undefined) actor = candidate.name;
    }
    return actor === undefined ? { ok: false, missing: false } : { ok: true, actor };
  };
}

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../auth/principal.js';
import type { KeySource } from '../config/traffic-schema.js';
import { normalizeAddress } from '../security/ip-rules.js';

/**
 * Who a limit counts: the caller's "counted key", built from the key sources of a plan or rule
 * (`[subject, operation]` → `subject:alice|operation:GetUser`). It names the caller in store keys,
 * the usage report and the top consumers, so it is stable and bounded in length.
 */

/** What the counted key is read from: the request as the edge sees it after identity. */
export interface CallerFacts {
  /** Set by identity; absent or anonymous for a caller without credentials. */
  principal: Principal | undefined;
  /** The client address, as `request.ip` reads it (trusted proxies honoured). */
  ip: string;
  /** The operation's name; absent for an anonymous operation. */
  operationName?: string | undefined;
  /** The request headers (names in lower case, as Node gives them). */
  headers?: IncomingHttpHeaders | undefined;
}

/** Longer values are hashed, so that a key stays short whatever a caller sends in a header. */
const MAX_VALUE_LENGTH = 128;

/**
 * The counted key for `sources`, parts joined by `|`. A caller without a source's value
 * (anonymous, no tenant, no such header) is counted by IP for that part, so that it still has a
 * limit of its own rather than sharing one with every other caller without the value.
 */
export function countedKey(sources: readonly KeySource[], facts: CallerFacts): string {
  const parts: string[] = [];
  for (const source of sources) {
    const part = partOf(source, facts) ?? ipPart(facts.ip);
    // [subject, ip] for an anonymous caller would name the IP twice.
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.join('|');
}

function partOf(source: KeySource, facts: CallerFacts): string | undefined {
  const principal = facts.principal?.kind === 'authenticated' ? facts.principal : undefined;
  switch (source) {
    case 'auto':
      if (principal?.keyId !== undefined) return part('apiKey', principal.keyId);
      if (principal !== undefined) return part('subject', principal.subject);
      return undefined;
    case 'apiKey':
      return principal?.keyId === undefined ? undefined : part('apiKey', principal.keyId);
    case 'subject':
      return principal === undefined ? undefined : part('subject', principal.subject);
    case 'tenant':
      return principal?.tenant === undefined ? undefined : part('tenant', principal.tenant);
    case 'ip':
      return ipPart(facts.ip);
    case 'operation':
      // An anonymous operation is still one operation, not the caller's IP.
      return part('operation', facts.operationName || '-');
    default: {
      const name = source.slice('header:'.length);
      const value = facts.headers?.[name];
      const text = Array.isArray(value) ? value.join(',') : value;
      return text === undefined || text === '' ? undefined : `header:${name}=${bounded(text)}`;
    }
  }
}

function ipPart(ip: string): string {
  return `ip:${bounded(normalizeAddress(ip)) || 'unknown'}`;
}

function part(name: string, value: string): string | undefined {
  return value === '' ? undefined : `${name}:${bounded(value)}`;
}

function bounded(value: string): string {
  return value.length <= MAX_VALUE_LENGTH ? value : createHash('sha256').update(value).digest('base64url');
}

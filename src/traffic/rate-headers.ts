import type { LimitPolicy } from './plans.js';
import type { CheckOutcome } from './store/types.js';

/**
 * The IETF rate-limit headers (draft-ietf-httpapi-ratelimit-headers), as structured-field lists:
 * `RateLimit-Policy` says each limit (`q` units per `w` seconds), `RateLimit` what is left of it
 * now (`r` units, back in full in `t` seconds). One item per limit the request was checked against.
 *
 *   RateLimit-Policy: "free-rate";q=20;w=1, "free-quota";q=10000;w=86400
 *   RateLimit: "free-rate";r=19;t=1, "free-quota";r=9999;t=43200
 */
export interface RateLimitHeaders {
  'ratelimit-policy': string;
  ratelimit: string;
}

/** The two headers for `policies` and what the store found of each (same order). */
export function rateLimitHeaders(
  policies: readonly LimitPolicy[],
  outcomes: readonly CheckOutcome[],
): RateLimitHeaders | undefined {
  if (policies.length === 0) return undefined;
  const policy: string[] = [];
  const limit: string[] = [];
  policies.forEach((item, index) => {
    const name = sfString(item.name);
    policy.push(`${name};q=${item.limit};w=${Math.max(1, Math.ceil(item.windowSeconds))}`);
    const outcome = outcomes[index];
    if (outcome === undefined) return;
    // A bucket refills continuously: its tokens are fractional, the header's remaining units whole.
    const remaining = Math.max(0, Math.floor(outcome.remaining));
    limit.push(`${name};r=${remaining};t=${seconds(outcome.resetMs)}`);
  });
  return { 'ratelimit-policy': policy.join(', '), ratelimit: limit.join(', ') };
}

/**
 * `Retry-After` for a refusal: the seconds until every refused check would pass (a request passes
 * only when all do), rounded up, at least 1 so that a client never retries at once.
 */
export function retryAfterSeconds(outcomes: readonly CheckOutcome[]): number {
  let longest = 0;
  for (const outcome of outcomes) if (!outcome.allowed) longest = Math.max(longest, outcome.retryAfterMs);
  return Math.max(1, seconds(longest));
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** A structured-field string: quoted, with `"` and `\` escaped (names are plain, but be safe). */
function sfString(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

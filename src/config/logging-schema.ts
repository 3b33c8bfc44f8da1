import { isIP } from 'node:net';
import { z } from 'zod';
import { boolean } from './primitives.js';

/**
 * The `logging` block, and `server.trustedProxies` (whose only reader today is the access log's
 * client IP). What is always redacted, whatever these say, is in src/telemetry/redaction.ts.
 */

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name')
  .transform((name) => name.toLowerCase());

export const loggingSchema = z
  .strictObject({
    level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe(
        'Least severe log level written. `info` writes one access-log line per request; `debug` adds the request headers and GraphQL variables to it, redacted.',
      ),
    subject: boolean()
      .default(true)
      .describe(
        "Put the caller's principal subject (JWT `sub`, API key subject, authorizer principal) in access-log lines; absent for anonymous callers. Turn off where subjects are personal data that must not be logged.",
      ),
    redactHeaders: z
      .array(headerName)
      .default([])
      .describe(
        'More request headers to redact wherever a log line carries headers. Always redacted: `authorization`, `proxy-authorization`, `cookie`, `set-cookie`, `x-api-key`, the JWT and API-key headers of `auth`, the headers sent to the authorizer, and any header whose name contains auth, token, secret, passw, session, credential or api-key.',
      ),
    redactVariables: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'More GraphQL variable names (case-insensitive, at any depth of input objects) to redact wherever a log line carries variables. Always redacted: names containing password, secret, token, api key, credential, authorization, cookie or session.',
      ),
  })
  .default({ level: 'info', subject: true, redactHeaders: [], redactVariables: [] });

/** Names proxy-addr (Fastify's `trustProxy`) knows for address ranges. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(value: string): boolean {
  if (PROXY_RANGES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export const trustedProxiesSchema = z
  .array(
    z
      .string()
      .trim()
      .refine(
        isAddressOrRange,
        'expected an IP address, a CIDR range such as 10.0.0.0/8, or loopback, linklocal or uniquelocal',
      ),
  )
  .default([])
  .describe(
    "Load balancers and proxies in front of the gateway (IP addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`). A request from one of them has its client IP taken from `X-Forwarded-For` (the nearest address not itself trusted); from anywhere else, the connection's address is the client's and `X-Forwarded-For` is ignored. Default: none.",
  );

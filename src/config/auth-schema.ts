import { z } from 'zod';
import { boolean, integer } from './primitives.js';

const jwtAlgorithm = z.enum([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'HS256',
  'HS384',
  'HS512',
]);

const claimMappingSchema = z
  .strictObject({
    subject: z.string().default('sub').describe('Claim holding the principal id.'),
    scopes: z
      .array(z.string())
      .default(['scope', 'scp'])
      .describe('Claims holding scopes, space-separated or an array; the first present wins.'),
    roles: z.string().default('roles').describe('Claim holding roles (an array or space-separated).'),
    tenant: z.string().default('tenant').describe('Claim holding the tenant.'),
  })
  .default({ subject: 'sub', scopes: ['scope', 'scp'], roles: 'roles', tenant: 'tenant' });

const issuerSchema = z
  .strictObject({
    issuer: z.string().min(1).describe('Expected `iss`.'),
    audience: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe('Expected `aud` (one of).'),
    algorithms: z.array(jwtAlgorithm).min(1).describe('Algorithms accepted from this issuer.'),
    clockToleranceSec: integer(0, 3600).default(5).describe('Leeway for `exp` and `nbf`.'),
    maxTokenAgeSec: integer(1)
      .optional()
      .describe(
        'Longest token life accepted: tokens must then carry `iat`, be no older than this, and expire no later than this after `iat`.',
      ),
    jwksMaxResponseBytes: integer(1)
      .default(1_048_576)
      .describe('Largest JWKS document read from `jwksUrl`; a larger one leaves the keys unavailable.'),
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('JWKS endpoint (cached; refetched on an unknown `kid`).'),
    jwksFile: z.string().min(1).optional().describe('JWKS file, relative to the config file.'),
    secret: z.string().min(32).optional().describe('HMAC secret for HS* algorithms; use `${env:…}`.'),
    publicKey: z.string().min(1).optional().describe('PEM public key (SPKI), or a path to one.'),
    claims: claimMappingSchema.describe('How claims map onto the principal.'),
  })
  .superRefine((issuer, ctx) => {
    const sources = [issuer.jwksUrl, issuer.jwksFile, issuer.secret, issuer.publicKey].filter(Boolean).length;
    if (sources !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'set exactly one of `jwksUrl`, `jwksFile`, `secret` or `publicKey`',
      });
    }
    const hmac = issuer.algorithms.some((algorithm) => algorithm.startsWith('HS'));
    if (hmac && issuer.secret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['algorithms'], message: 'HS* algorithms need `secret`' });
    }
    if (issuer.secret !== undefined && issuer.algorithms.some((algorithm) => !algorithm.startsWith('HS'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['algorithms'],
        message: 'a `secret` only verifies HS* algorithms',
      });
    }
  });

const jwtSchema = z.strictObject({
  header: z.string().default('authorization').describe('Header carrying `Bearer <token>`.'),
  cookie: z.string().optional().describe('Cookie carrying the token, tried when the header is absent.'),
  issuers: z.array(issuerSchema).min(1).describe('Trusted issuers; a token is checked against its `iss`.'),
});

const apiKeysSchema = z.strictObject({
  header: z.string().default('x-api-key').describe('Header carrying the API key.'),
});

const authorizerSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .describe('Endpoint called with the request headers; answers allow or deny.'),
    headers: z
      .array(z.string())
      .default(['authorization'])
      .describe('Request headers sent to the authorizer (lower case).'),
    cacheKey: z
      .array(z.string())
      .optional()
      .describe(
        'Kept for older configs: decisions are always cached under every header in `headers` (and, for policies, the principal and its credential). If set, it must list every header in `headers`.',
      ),
    cacheTtlMs: integer(0).default(60_000).describe('How long a decision is reused.'),
    timeoutMs: integer(1).default(2_000).describe('Time allowed for the authorizer to answer.'),
    maxResponseBytes: integer(1)
      .default(65_536)
      .describe('Largest answer read from the authorizer; a larger one counts as a failed call.'),
    failOpen: boolean()
      .default(false)
      .describe(
        'When the authorizer fails, let the request continue as anonymous instead of answering 503. Never grants a `@policy`: a failed policy check denies it.',
      ),
  })
  .superRefine((authorizer, ctx) => {
    const keyed = new Set(authorizer.cacheKey?.map((name) => name.toLowerCase()));
    const missing = authorizer.headers.filter((name) => !keyed.has(name.toLowerCase()));
    if (authorizer.cacheKey !== undefined && missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cacheKey'],
        message: `must list every header in \`headers\` (missing: ${missing.join(', ')}): the decision depends on all of them. Remove \`cacheKey\`: every header is keyed anyway.`,
      });
    }
  });

const policySchema = z
  .strictObject({
    claims: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]))
      .optional()
      .describe('Claims the principal must have (an array means any of).'),
    scopes: z.array(z.string()).optional().describe('Scopes the principal must all have.'),
    authorizer: boolean().optional().describe('Ask the external authorizer.'),
  })
  .refine((policy) => policy.claims || policy.scopes || policy.authorizer, {
    message: 'a policy needs `claims`, `scopes` or `authorizer: true`',
  });

const forwardClaimSchema = z.strictObject({
  claim: z
    .string()
    .min(1)
    .describe('Principal field (`subject`, `tenant`, `scopes`, `roles`) or claim name.'),
  header: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'expected a lower-case header name')
    .describe('Header sent to subgraphs; a client-sent header of this name is always stripped.'),
});

export const authSchema = z
  .strictObject({
    require: z
      .enum(['none', 'authenticated'])
      .default('none')
      .describe('`authenticated` rejects anonymous requests with 401.'),
    jwt: jwtSchema.optional().describe('JSON Web Tokens verified with jose.'),
    apiKeys: apiKeysSchema.optional().describe('API keys managed with `gatehouse keys`.'),
    authorizer: authorizerSchema.optional().describe('An external authorizer (like a Lambda authorizer).'),
    policies: z.record(z.string(), policySchema).default({}).describe('Named checks for `@policy`.'),
    forwardClaims: z.array(forwardClaimSchema).default([]).describe('Claims sent to subgraphs as headers.'),
    forwardToken: boolean()
      .default(false)
      .describe("Send the caller's `authorization` header on to subgraphs."),
    hideUnauthorizedInIntrospection: boolean()
      .default(false)
      .describe('Leave out of introspection what the caller may not query.'),
  })
  .default({
    require: 'none',
    policies: {},
    forwardClaims: [],
    forwardToken: false,
    hideUnauthorizedInIntrospection: false,
  });

const DEFAULT_SQLITE = '.gatehouse/gatehouse.db';

/** Unquoted PostgreSQL identifiers only, so that the name goes into `search_path` as it is. */
export const POSTGRES_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Where the gateway's own state lives: exactly one engine. */
export type StoreConfig =
  | { readonly sqlite: string; readonly postgres?: undefined; readonly postgresSchema?: undefined }
  | { readonly postgres: string; readonly postgresSchema?: string; readonly sqlite?: undefined };

export const storeSchema = z
  .strictObject({
    sqlite: z
      .string()
      .min(1)
      .optional()
      .describe(
        'SQLite file for the embedded store (one host), relative to the config file; `:memory:` for none. The engine when `postgres` is not set.',
      ),
    postgres: z
      .string()
      .regex(/^postgres(?:ql)?:\/\/\S+$/, 'expected a postgres:// URL')
      .optional()
      .describe(
        'PostgreSQL URL (`postgres://user:password@host:5432/db`) for a store every replica shares, e.g. `${env:GATEHOUSE_DATABASE_URL}`.',
      ),
    postgresSchema: z
      .string()
      .regex(POSTGRES_SCHEMA_PATTERN, 'expected a lower-case schema name (letters, digits, _)')
      .optional()
      .describe(
        "Schema for the store's tables, created when missing; default: the connection's search_path.",
      ),
  })
  .transform((store, context): StoreConfig => {
    if (store.postgres === undefined) {
      if (store.postgresSchema !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['postgresSchema'],
          message: 'only applies with store.postgres',
        });
      }
      return { sqlite: store.sqlite ?? DEFAULT_SQLITE };
    }
    if (store.sqlite !== undefined) {
      context.addIssue({
        code: 'custom',
        message: 'set either sqlite or postgres, not both',
      });
    }
    return {
      postgres: store.postgres,
      ...(store.postgresSchema === undefined ? {} : { postgresSchema: store.postgresSchema }),
    };
  })
  .default({ sqlite: DEFAULT_SQLITE });

export type AuthConfig = z.output<typeof authSchema>;

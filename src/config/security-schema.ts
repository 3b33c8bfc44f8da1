import { isIP } from 'node:net';
import { z } from 'zod';
import { boolean, integer } from './primitives.js';

/**
 * Protection before any subgraph sees a request: operation limits, demand control, persisted
 * queries and trusted documents, introspection, batching and IP rules. Limits and cost refuse in
 * production stages and only warn elsewhere, unless `mode` says otherwise; a stage overlay
 * (`stages.<name>.security`) changes any of it per stage.
 */

const CIDR_HINT = 'expected an IP address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32';

/** An IPv4 or IPv6 address, or a CIDR block of one. */
export const cidr = z.string().refine((value) => {
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}, CIDR_HINT);

export const LIMIT_DEFAULTS = {
  maxDepth: 15,
  maxAliases: 30,
  maxRootFields: 30,
  maxDirectives: 50,
  maxTokens: 2_000,
  maxFragments: 100,
  maxSpreads: 500,
  maxVariables: 100,
  maxErrors: 50,
} as const;

/** The limits, each optional so that an override names only what it changes. */
const limitFields = {
  maxDepth: [1, 'Deepest selection, counting fields through fragments (a leaf field counts).'],
  maxAliases: [0, 'Aliased fields in the operation, through fragments.'],
  maxRootFields: [1, 'Fields selected at the root of the operation, through fragments.'],
  maxDirectives: [0, 'Directives used anywhere in the document.'],
  maxTokens: [1, 'GraphQL tokens in the document (punctuation, names, values).'],
  maxFragments: [0, 'Fragment definitions in the document.'],
  maxSpreads: [0, 'Fragment spreads, counted each time one is reached from the operation.'],
  maxVariables: [0, 'Variable values sent with the request (top-level entries of `variables`).'],
  maxErrors: [
    1,
    'Distinct errors in one response; the rest are replaced by one error saying how many were left out.',
  ],
} as const satisfies Record<string, readonly [number, string]>;

type LimitName = keyof typeof limitFields;

/** A limit with its default (the top level of `limits`). */
const limitWithDefault = (name: LimitName) =>
  integer(limitFields[name][0]).default(LIMIT_DEFAULTS[name]).describe(limitFields[name][1]);
/** A limit an override may set. */
const limitOverride = (name: LimitName) =>
  integer(limitFields[name][0]).optional().describe(limitFields[name][1]);

/** What a breach does: refuse with 400 (`enforce`), log a warning and go on (`warn`), or nothing (`off`). */
const limitModeSchema = z.enum(['enforce', 'warn', 'off']);

/** Who an override applies to: any principal matching one of the lists. */
const principalMatchSchema = z
  .strictObject({
    subjects: z
      .array(z.string().min(1))
      .optional()
      .describe('Principal subjects (JWT `sub`, API key subject).'),
    scopes: z.array(z.string().min(1)).optional().describe('Any of these scopes.'),
    plans: z.array(z.string().min(1)).optional().describe('Usage plans of API keys.'),
  })
  .refine(
    (match) => (match.subjects?.length ?? 0) + (match.scopes?.length ?? 0) + (match.plans?.length ?? 0) > 0,
    'name at least one of subjects, scopes or plans',
  );

const limitsSchema = z
  .strictObject({
    mode: limitModeSchema
      .optional()
      .describe(
        '`enforce` refuses a breach with 400; `warn` logs it and serves. Defaults to `enforce` in production stages, `warn` elsewhere.',
      ),
    maxDepth: limitWithDefault('maxDepth'),
    maxAliases: limitWithDefault('maxAliases'),
    maxRootFields: limitWithDefault('maxRootFields'),
    maxDirectives: limitWithDefault('maxDirectives'),
    maxTokens: limitWithDefault('maxTokens'),
    maxFragments: limitWithDefault('maxFragments'),
    maxSpreads: limitWithDefault('maxSpreads'),
    maxVariables: limitWithDefault('maxVariables'),
    maxErrors: limitWithDefault('maxErrors'),
    overrides: z
      .array(
        z.strictObject({
          match: principalMatchSchema.describe('The principals it applies to.'),
          maxDepth: limitOverride('maxDepth'),
          maxAliases: limitOverride('maxAliases'),
          maxRootFields: limitOverride('maxRootFields'),
          maxDirectives: limitOverride('maxDirectives'),
          maxTokens: limitOverride('maxTokens'),
          maxFragments: limitOverride('maxFragments'),
          maxSpreads: limitOverride('maxSpreads'),
          maxVariables: limitOverride('maxVariables'),
          maxErrors: limitOverride('maxErrors'),
        }),
      )
      .default([])
      .describe(
        'Other limits for some principals (a trusted internal client gets more), first match wins; what an override leaves out keeps the value above.',
      ),
  })
  .default({ ...LIMIT_DEFAULTS, overrides: [] });

const costSchema = z
  .strictObject({
    mode: z
      .enum(['enforce', 'measure', 'off'])
      .optional()
      .describe(
        '`enforce` refuses an operation estimated above `maxCost` with COST_ESTIMATED_TOO_EXPENSIVE before any subgraph call; `measure` estimates, logs what would be refused and serves. Defaults to `enforce` in production stages, `measure` elsewhere.',
      ),
    maxCost: integer(1)
      .default(100_000)
      .describe(
        "Highest estimated cost served (Apollo's and IBM's cost semantics, with `@cost` and `@listSize`).",
      ),
    listSize: integer(0)
      .default(10)
      .describe("Items assumed in a list without `@listSize` (Apollo Router's `list_size`)."),
  })
  .default({ maxCost: 100_000, listSize: 10 });

const apqSchema = z
  .strictObject({
    enabled: boolean().default(true).describe("Accept Apollo's automatic persisted queries (APQ)."),
    store: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe(
        'Where registered queries live: this process (bounded LRU) or Redis (`redis.url`), shared by every worker and replica.',
      ),
    maxBytes: integer(1024)
      .default(16_777_216)
      .describe('Memory store: the most bytes of query text kept; the least recently used go first.'),
    ttlSeconds: integer(0)
      .default(86_400)
      .describe(
        'How long a registered query is kept after it was last registered; 0 keeps it until evicted.',
      ),
  })
  .default({ enabled: true, store: 'memory', maxBytes: 16_777_216, ttlSeconds: 86_400 });

const trustedDocumentsSchema = z
  .strictObject({
    mode: z
      .enum(['off', 'log', 'enforce'])
      .default('off')
      .describe(
        '`enforce` refuses operations not in a manifest with PERSISTED_QUERY_NOT_IN_SAFELIST; `log` serves them and logs each with its client; `off` ignores the manifests except to resolve ids.',
      ),
    manifests: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Manifest files (Apollo's persisted-query manifest JSON or Relay's `{ id: text }`), relative to the config file; reloaded when they change.",
      ),
    registry: boolean()
      .default(false)
      .describe(
        'Also trust the documents pushed to the registry for this stage (`gatehouse safelist push`).',
      ),
    allowAdminToken: boolean()
      .default(true)
      .describe(
        'A valid admin token (`gatehouse-admin-token`) may run any operation, e.g. from the sandbox in `prod`.',
      ),
  })
  .default({ mode: 'off', manifests: [], registry: false, allowAdminToken: true });

const introspectionAccessSchema = z
  .strictObject({
    scopes: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Where introspection is off, principals with any of these scopes (e.g. `schema:read`) may still introspect.',
      ),
    allowAdminToken: boolean()
      .default(true)
      .describe('Where introspection is off, a valid admin token may still introspect.'),
  })
  .default({ scopes: [], allowAdminToken: true });

const batchingSchema = z
  .strictObject({
    enabled: boolean().default(false).describe('Accept a JSON array of operations in one request.'),
    maxSize: integer(1).default(10).describe('Most operations in one batch.'),
  })
  .default({ enabled: false, maxSize: 10 });

const ipRuleSchema = z.strictObject({
  allow: z.array(cidr).optional().describe('Only these addresses may call (when set).'),
  deny: z.array(cidr).default([]).describe('These addresses may not call; deny wins over allow.'),
});

const ipRulesSchema = z
  .strictObject({
    graphql: ipRuleSchema.optional().describe('`/graphql`.'),
    admin: ipRuleSchema.optional().describe('`/admin` and its API.'),
    registry: ipRuleSchema.optional().describe('`/registry` (the page and its API).'),
    metrics: ipRuleSchema.optional().describe('`/metrics`, on the gateway port or its own.'),
  })
  .default({});

export const securitySchema = z
  .strictObject({
    limits: limitsSchema.describe(
      'Operation limits, checked after parsing and before validation and planning.',
    ),
    cost: costSchema.describe(
      'Demand control: the estimated cost of each operation, before any subgraph call.',
    ),
    apq: apqSchema.describe("Automatic persisted queries (Apollo's protocol, hash verified)."),
    trustedDocuments: trustedDocumentsSchema.describe('Trusted documents (a safelist of operations).'),
    introspection: introspectionAccessSchema.describe('Who may introspect where `introspection` is off.'),
    hideSuggestions: boolean()
      .optional()
      .describe('Drop "Did you mean …?" from validation errors. Defaults to on in production stages.'),
    batching: batchingSchema.describe('Batched requests.'),
    maxHeaderBytes: integer(1024)
      .default(16_384)
      .describe('Largest request head (request line and headers) accepted; larger ones get 431.'),
    ipRules: ipRulesSchema.describe(
      'Allow and deny lists per route group, on the client address read behind `server.trustedProxies`.',
    ),
  })
  .default({
    limits: { ...LIMIT_DEFAULTS, overrides: [] },
    cost: { maxCost: 100_000, listSize: 10 },
    apq: { enabled: true, store: 'memory', maxBytes: 16_777_216, ttlSeconds: 86_400 },
    trustedDocuments: { mode: 'off', manifests: [], registry: false, allowAdminToken: true },
    introspection: { scopes: [], allowAdminToken: true },
    batching: { enabled: false, maxSize: 10 },
    maxHeaderBytes: 16_384,
    ipRules: {},
  });

export const redisSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
      .describe('The Redis server shared by workers and replicas, e.g. `redis://redis:6379/0`.'),
    keyPrefix: z
      .string()
      .default('gatehouse:')
      .describe('Put before every key, so several gateways can share one Redis.'),
  })
  .describe('Redis, for state shared by every worker and replica (APQ, and what asks for `store: redis`).');

export type SecurityConfigInput = z.output<typeof securitySchema>;
export type LimitValues = { -readonly [K in keyof typeof LIMIT_DEFAULTS]: number };
export type LimitsMode = z.output<typeof limitModeSchema>;
export type CostMode = 'enforce' | 'measure' | 'off';

/** `security` with the stage's defaults filled in (what the plugins read). */
export type SecurityConfig = Omit<SecurityConfigInput, 'limits' | 'cost' | 'hideSuggestions'> & {
  limits: Omit<SecurityConfigInput['limits'], 'mode'> & { mode: LimitsMode };
  cost: Omit<SecurityConfigInput['cost'], 'mode'> & { mode: CostMode };
  hideSuggestions: boolean;
};

/** Fills what depends on the stage: production stages refuse, others warn. */
export function resolveSecurity(input: SecurityConfigInput, production: boolean): SecurityConfig {
  return {
    ...input,
    limits: { ...input.limits, mode: input.limits.mode ?? (production ? 'enforce' : 'warn') },
    cost: { ...input.cost, mode: input.cost.mode ?? (production ? 'enforce' : 'measure') },
    hideSuggestions: input.hideSuggestions ?? production,
  };
}

import { z } from 'zod';
import { authSchema, storeSchema } from './auth-schema.js';
import { connectorsSchema } from './connectors-schema.js';
import { headersSchema } from './headers-schema.js';
import { registrySchema, STAGE_NAME, supergraphSourceSchema } from './supergraph-schema.js';
import { telemetrySchema } from './telemetry-schema.js';
import { redisSchema, securitySchema } from './security-schema.js';
import { trafficSchema } from './traffic-schema.js';
import { loggingSchema, trustedProxiesSchema } from './logging-schema.js';
import { boolean, integer } from './primitives.js';
import {
  checkPolicySubgraphs,
  CIRCUIT_BREAKER_DEFAULT,
  circuitBreakerSchema,
  RETRIES_DEFAULT,
  retriesSchema,
} from './resilience-schema.js';

/**
 * The whole gatehouse.yaml, validated once at boot. Every field has a default where one makes
 * sense and a description, which `scripts/config-reference.mjs` turns into the README's table.
 */

const subgraphName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, "_" and "-"');

export const subgraphConfigSchema = z
  .strictObject({
    name: subgraphName.describe('Unique name of the subgraph, used in errors, logs and metrics.'),
    type: z
      .enum(['graphql', 'rest'])
      .default('graphql')
      .describe(
        '`graphql`: a Federation subgraph reached at `url`. `rest`: a connector schema (`@source`/`@connect`) in `schema`, run inside the gateway against the REST services it names.',
      ),
    url: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .optional()
      .describe('Where the gateway sends this subgraph its requests. Required for `graphql` subgraphs.'),
    schema: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Path to the subgraph SDL, relative to the config file. Without it the SDL is read from `url` with `{ _service { sdl } }`. Required for `rest` subgraphs.',
      ),
    timeoutMs: integer(1)
      .optional()
      .describe('Time allowed for one request to this subgraph. Defaults to `transport.timeoutMs`.'),
    maxResponseBytes: integer(1)
      .optional()
      .describe('Largest response body read from this subgraph. Defaults to `transport.maxResponseBytes`.'),
  })
  .superRefine((subgraph, ctx) => {
    if (subgraph.type === 'graphql' && subgraph.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a `graphql` subgraph needs a `url`' });
    }
    if (subgraph.type === 'rest' && subgraph.schema === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message: 'a `rest` subgraph needs `schema`: the path of its connector schema',
      });
    }
  });

const serverSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('Interface to listen on.'),
    port: integer(0, 65535).default(4000).describe('Port to listen on; 0 picks a free one.'),
    bodyLimitBytes: integer(1)
      .default(1_048_576)
      .describe('Largest request body accepted; larger bodies get 413.'),
    shutdownTimeoutMs: integer(0)
      .default(10_000)
      .describe('On SIGTERM, how long in-flight requests may run before the process exits anyway.'),
    requestTimeoutMs: integer(1)
      .default(30_000)
      .describe(
        'Time a client has to send a whole request, headers and body; the connection is closed when it is up.',
      ),
    connectionTimeoutMs: integer(1)
      .default(120_000)
      .describe('A connection on which nothing is sent or received for this long is closed.'),
    keepAliveTimeoutMs: integer(1)
      .default(72_000)
      .describe(
        'How long an idle keep-alive connection is kept open for the next request. Keep it above the idle timeout of a load balancer in front.',
      ),
    workers: integer(1, 256)
      .optional()
      .describe(
        'Worker processes sharing the port (node:cluster). Defaults to 1 for `gatehouse dev`; for `gatehouse serve`, to the CPU quota of its container (cgroup v2 or v1, rounded up), else the CPU count.',
      ),
    trustedProxies: trustedProxiesSchema,
  })
  .default({
    host: '127.0.0.1',
    port: 4000,
    bodyLimitBytes: 1_048_576,
    shutdownTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    connectionTimeoutMs: 120_000,
    keepAliveTimeoutMs: 72_000,
    trustedProxies: [],
  });

const corsSchema = z.strictObject({
  origins: z
    .array(
      z
        .string()
        .regex(/^(\*|https?:\/\/[^/\s]+)$/, 'expected an origin such as https://app.example.com, or "*"'),
    )
    .min(1)
    .describe(
      'Origins allowed to call the gateway from a browser, e.g. `https://app.example.com`; `*` for any.',
    ),
  credentials: boolean()
    .default(false)
    .describe('Allow cookies and `authorization` on cross-origin requests (not with `*`).'),
  allowedHeaders: z
    .array(z.string())
    .default(['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'])
    .describe('Request headers a browser may send cross-origin.'),
  exposedHeaders: z.array(z.string()).default([]).describe('Response headers a browser may read.'),
  maxAgeSec: integer(0).default(600).describe('How long a browser may cache a preflight answer.'),
});

const transportSchema = z
  .strictObject({
    timeoutMs: integer(1).default(10_000).describe('Default time allowed for one subgraph request.'),
    connectionsPerSubgraph: integer(1)
      .default(64)
      .describe('Most keep-alive connections the gateway opens to one subgraph.'),
    maxResponseBytes: integer(1)
      .default(33_554_432)
      .describe(
        'Largest response body read from a subgraph (32 MiB); a larger one is cut off and becomes a `SUBGRAPH_RESPONSE_TOO_LARGE` error.',
      ),
    dedupeInflight: boolean()
      .default(true)
      .describe(
        'Send identical concurrent subgraph queries once: same subgraph, same body, same headers sent (so never across principals whose forwarded headers differ). Never mutations, never REST connector subgraphs. Waiting requests get a copy of the one answer.',
      ),
    retries: retriesSchema
      .default(RETRIES_DEFAULT)
      .describe(
        'Retries of queries (never mutations) that failed to connect or got 502, 503 or 504, with jittered exponential backoff.',
      ),
    circuitBreaker: circuitBreakerSchema
      .default(CIRCUIT_BREAKER_DEFAULT)
      .describe(
        'A circuit breaker per subgraph: after consecutive failures, its calls fail at once for a while.',
      ),
  })
  .default({
    timeoutMs: 10_000,
    connectionsPerSubgraph: 64,
    maxResponseBytes: 33_554_432,
    dedupeInflight: true,
    retries: RETRIES_DEFAULT,
    circuitBreaker: CIRCUIT_BREAKER_DEFAULT,
  });

const executionSchema = z
  .strictObject({
    engine: z
      .enum(['gatehouse', 'apollo'])
      .default('gatehouse')
      .describe(
        "Which executor runs query plans: Gatehouse's own (batched, de-duplicated fetches) or Apollo Gateway's.",
      ),
    queryPlanCacheBytes: integer(0)
      .default(67_108_864)
      .describe(
        "Estimated bytes of compiled query plans kept by Gatehouse's executor (64 MiB), keyed by operation text and name; the least recently used go first.",
      ),
    maxCachedPlanBytes: integer(0)
      .default(4_194_304)
      .describe(
        'A plan estimated above this (4 MiB, about an operation of 2,000 fields) is not cached: it is planned again for every request.',
      ),
  })
  .default({ engine: 'gatehouse', queryPlanCacheBytes: 67_108_864, maxCachedPlanBytes: 4_194_304 });

export const configSchema = z
  .strictObject({
    stage: z
      .string()
      .regex(STAGE_NAME)
      .optional()
      .describe('Stage to run as (dev, test, prod, …). `--stage` and `GATEHOUSE_STAGE` override it.'),
    server: serverSchema.describe('The HTTP listener.'),
    supergraph: supergraphSourceSchema
      .optional()
      .describe(
        'Where the supergraph comes from: a file path, or `{ file, watch }`, `{ url, pollIntervalMs, headers }` or `{ registry, stage, token }`. Use this or `subgraphs`, not both (except with `registry.embedded`, where `subgraphs` seed the registry).',
      ),
    subgraphs: z
      .array(subgraphConfigSchema)
      .default([])
      .describe(
        'The subgraphs to compose at start-up. Use this or `supergraph`, not both; with `supergraph: { registry: embedded }` they give the followed stage its first version when it has none.',
      ),
    transport: transportSchema.describe('How the gateway talks to subgraphs.'),
    execution: executionSchema.describe('How query plans are executed.'),
    headers: headersSchema.describe(
      'Header rules for subgraph calls (GraphQL and REST connectors): propagate, insert, remove.',
    ),
    connectors: connectorsSchema.describe(
      'REST connectors: subgraphs whose schema maps REST endpoints with `@source` and `@connect`.',
    ),
    cors: corsSchema
      .optional()
      .superRefine((cors, ctx) => {
        if (cors?.credentials && cors.origins.includes('*')) {
          ctx.addIssue({
            code: 'custom',
            path: ['origins'],
            message: 'with `credentials: true` list the origins: browsers refuse credentials with "*"',
          });
        }
      })
      .describe(
        'Cross-origin requests from browsers (CORS). Off unless set; the sandbox, served by the gateway itself, needs none.',
      ),
    introspection: boolean()
      .optional()
      .describe('Answer introspection queries. Defaults to on outside production stages.'),
    exposeQueryPlans: boolean()
      .optional()
      .describe(
        'Answer the `apollo-query-plan-experimental` header with the query plan (subgraph names and internal operations). Defaults to on outside production stages, whatever `NODE_ENV` says; `true` in a production stage is a config error.',
      ),
    sandbox: boolean()
      .optional()
      .describe('Serve the sandbox UI at `/` and `/sandbox`. Defaults to on outside production stages.'),
    logging: loggingSchema.describe('Structured (JSON) logs on stdout.'),
    telemetry: telemetrySchema.describe(
      'OpenTelemetry traces, Prometheus metrics and the `/admin` dashboard.',
    ),
    security: securitySchema.describe(
      'Protection before any subgraph sees a request: operation limits, demand control, persisted queries, trusted documents, introspection, batching, IP rules.',
    ),
    traffic: trafficSchema
      .prefault({})
      .describe(
        'Traffic control: usage plans (rate, burst, quota and cost budget per caller) and rate-limit rules, at gateway level or per subgraph.',
      ),
    redis: redisSchema.optional(),
    auth: authSchema.describe(
      'Who is calling (JWT, API keys, an external authorizer) and what they may see.',
    ),
    store: storeSchema.describe('Where the gateway keeps its own state (API keys, the registry, …).'),
    registry: registrySchema.describe('The schema registry: stages, admin tokens, usage-aware checks.'),
    stages: z
      .record(
        z.string().regex(STAGE_NAME, 'expected a stage name such as dev, test or prod'),
        z.looseObject({
          production: boolean()
            .optional()
            .describe(
              'A production stage: introspection, the sandbox and query plans default to off, and the admin pages need a token. Defaults to true for `prod` and `production`, else false.',
            ),
        }),
      )
      .optional()
      .describe(
        'Per-stage overlays, deep-merged over the rest of the file for the chosen stage. Naming a stage here makes it known: running as a stage that is not here, in `registry.stages` or one of dev, test, prod and production is an error.',
      ),
  })
  .superRefine((config, ctx) => {
    const followsEmbedded =
      config.supergraph?.kind === 'registry' && config.supergraph.registry === 'embedded';
    if (followsEmbedded && !config.registry.embedded) {
      ctx.addIssue({
        code: 'custom',
        path: ['supergraph', 'registry'],
        message: '`registry: embedded` needs `registry.embedded: true`',
      });
    }
    if (config.supergraph && !followsEmbedded && config.subgraphs.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['supergraph'],
        message: 'set either `supergraph` or `subgraphs`, not both',
      });
    }
    const seen = new Set<string>();
    config.subgraphs.forEach((subgraph, index) => {
      if (seen.has(subgraph.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['subgraphs', index, 'name'],
          message: `duplicate subgraph name "${subgraph.name}"`,
        });
      }
      seen.add(subgraph.name);
    });
    checkPolicySubgraphs(config.transport, config.subgraphs, ctx);
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type SubgraphConfig = z.output<typeof subgraphConfigSchema>;

import { z } from 'zod';
import { boolean, integer } from './primitives.js';

/**
 * Traces, metrics and the dashboard. Tracing is off unless `telemetry.tracing.enabled` or the
 * standard `OTEL_TRACES_EXPORTER` variable turns it on; what the block leaves unset, the standard
 * `OTEL_*` variables decide, as `@opentelemetry/sdk-node` reads them.
 */

const tracingSchema = z
  .strictObject({
    enabled: boolean()
      .optional()
      .describe(
        'Record and export traces. Defaults to on when `OTEL_TRACES_EXPORTER` is set to something other than `none`, else off.',
      ),
    exporter: z
      .enum(['otlp', 'console', 'none'])
      .optional()
      .describe('Where spans go. Defaults to `OTEL_TRACES_EXPORTER`, else `otlp`.'),
    endpoint: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .optional()
      .describe(
        'The OTLP collector, e.g. `http://otel-collector:4318`. Defaults to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318`.',
      ),
    protocol: z
      .enum(['http/protobuf', 'http/json', 'grpc'])
      .optional()
      .describe('OTLP protocol. Defaults to `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf`.'),
    sampleRatio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Share of new traces recorded (parent-based: a continued trace follows its parent). Defaults to `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG`, else 1.',
      ),
    trustIncomingTraceparent: boolean()
      .optional()
      .describe(
        "Continue the trace of an incoming W3C `traceparent` (and keep its `tracestate`). Defaults to on outside production stages; in production stages a client's trace is not continued unless this is set.",
      ),
    includeDocument: boolean()
      .optional()
      .describe(
        'Record the operation text as `graphql.document` on the request span. Off by default: literals in an operation can carry personal data.',
      ),
  })
  .default({});

const metricsSchema = z
  .strictObject({
    enabled: boolean().default(true).describe('Serve Prometheus metrics.'),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path such as /metrics')
      .default('/metrics')
      .describe('Path of the Prometheus text.'),
    port: integer(0, 65535)
      .optional()
      .describe('Serve the metrics on this port of `server.host` instead of the gateway port.'),
    token: z
      .string()
      .min(16, 'expected a token of at least 16 characters')
      .optional()
      .describe('When set, a scrape needs `Authorization: Bearer <token>`.'),
    maxOperationNames: integer(1)
      .default(500)
      .describe(
        'Distinct operation (and client) names kept as metric labels; later ones are counted as `other`.',
      ),
  })
  .default({ enabled: true, path: '/metrics', maxOperationNames: 500 });

const dashboardSchema = z
  .strictObject({
    enabled: boolean()
      .default(true)
      .describe(
        'Serve the `/admin` dashboard (the last hour of traffic). In production stages it needs an admin token (`registry.tokens`).',
      ),
  })
  .default({ enabled: true });

export const telemetrySchema = z
  .strictObject({
    serviceName: z
      .string()
      .min(1)
      .optional()
      .describe('`service.name` of traces and metrics. Defaults to `OTEL_SERVICE_NAME`, else `gatehouse`.'),
    tracing: tracingSchema.describe('OpenTelemetry traces (`@opentelemetry/sdk-node`).'),
    metrics: metricsSchema.describe('Prometheus metrics, summed over all workers.'),
    dashboard: dashboardSchema.describe('The built-in dashboard at `/admin`.'),
  })
  .default({
    tracing: {},
    metrics: { enabled: true, path: '/metrics', maxOperationNames: 500 },
    dashboard: { enabled: true },
  });

export type TelemetryConfig = z.output<typeof telemetrySchema>;

import type { GatehouseConfig } from '../../config/load.js';

/**
 * What the gateway decides about tracing from `telemetry.tracing` and the standard `OTEL_*`
 * variables. What is left undefined here is left to `@opentelemetry/sdk-node`, which reads the same
 * variables itself (exporters, protocol, endpoint, sampler, batch sizes, resource attributes).
 */
export interface TracingSettings {
  /** `service.name`; undefined leaves it to `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly serviceName: string | undefined;
  /**
   * The exporter the block chose, with its endpoint and protocol; undefined when the block says
   * nothing about exporting, and sdk-node builds the exporters from `OTEL_TRACES_EXPORTER` etc.
   */
  readonly exporter: ExporterSettings | undefined;
  /** Parent-based ratio of new traces; undefined leaves the sampler to `OTEL_TRACES_SAMPLER(_ARG)`. */
  readonly sampleRatio: number | undefined;
  readonly trustIncomingTraceparent: boolean;
  readonly includeDocument: boolean;
  /**
   * Whether to keep an active context across awaits (AsyncLocalStorage), which `@apollo/gateway`'s
   * spans need to nest: with Apollo's executor, and wherever it is cheap (Node 24's
   * AsyncContextFrame). Before Node 24, AsyncLocalStorage taxes every promise in the process, so with
   * Gatehouse's executor the spans are linked explicitly and the few operations that fall back to
   * Apollo's executor are traced without Apollo's own spans.
   */
  readonly activeContext: boolean;
}

export type ExporterSettings =
  | { readonly kind: 'console' }
  | {
      readonly kind: 'otlp';
      /** The collector's base URL (`/v1/traces` is added for HTTP); undefined: the exporter reads `OTEL_EXPORTER_OTLP_*`. */
      readonly endpoint: string | undefined;
      readonly protocol: 'http/protobuf' | 'http/json' | 'grpc';
    };

/** Tracing's settings, or undefined when tracing is off (the default), so that nothing is started. */
export function tracingSettings(
  config: GatehouseConfig,
  env: NodeJS.ProcessEnv,
): TracingSettings | undefined {
  const block = config.telemetry.tracing;
  // sdk-node starts nothing at all with OTEL_SDK_DISABLED, whatever else is set.
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const envExporter = firstListed(env.OTEL_TRACES_EXPORTER);
  const enabled = block.enabled ?? (envExporter !== undefined && envExporter !== 'none');
  if (!enabled) return undefined;
  const exporterKind = block.exporter ?? (envExporter === 'console' ? 'console' : envExporter);
  if (exporterKind === 'none') return undefined;
  const decidesExport =
    block.exporter !== undefined || block.endpoint !== undefined || block.protocol !== undefined;
  let exporter: ExporterSettings | undefined;
  if (decidesExport) {
    exporter =
      exporterKind === 'console'
        ? { kind: 'console' }
        : { kind: 'otlp', endpoint: block.endpoint, protocol: block.protocol ?? envProtocol(env) };
  }
  return {
    serviceName: config.telemetry.serviceName ?? (namesService(env) ? undefined : 'gatehouse'),
    exporter,
    sampleRatio: block.sampleRatio,
    trustIncomingTraceparent: block.trustIncomingTraceparent ?? !config.production,
    includeDocument: block.includeDocument ?? false,
    activeContext: config.execution.engine === 'apollo' || cheapAsyncContext(),
  };
}

/** AsyncLocalStorage on AsyncContextFrame: the default from Node 24, behind a flag in Node 22. */
function cheapAsyncContext(): boolean {
  return (
    Number(process.versions.node.split('.')[0]) >= 24 ||
    process.execArgv.includes('--experimental-async-context-frame')
  );
}

/** The first value of an OTel list variable (comma-separated), lower-cased; undefined when empty. */
function firstListed(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim().toLowerCase();
  return first === '' ? undefined : first;
}

function envProtocol(env: NodeJS.ProcessEnv): 'http/protobuf' | 'http/json' | 'grpc' {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  return protocol === 'http/json' || protocol === 'grpc' ? protocol : 'http/protobuf';
}

/** Whether the environment names the service, as sdk-node's resource detection reads it. */
function namesService(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SERVICE_NAME?.trim()) return true;
  return (env.OTEL_RESOURCE_ATTRIBUTES ?? '')
    .split(',')
    .some((pair) => pair.trim().startsWith('service.name='));
}

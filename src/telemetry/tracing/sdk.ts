import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TracerProvider } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import {
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { packageRoot } from '../../package-root.js';
import type { ExporterSettings, TracingSettings } from './settings.js';

/** A gateway's tracer provider, started by sdk-node; `shutdown` exports what is left and stops it. */
export interface StartedTracing {
  readonly provider: TracerProvider;
  shutdown(): Promise<void>;
}

/**
 * Starts `@opentelemetry/sdk-node` for one gateway's traces: sdk-node reads the standard `OTEL_*`
 * variables (exporters, protocol, endpoint, headers, sampler, batching, resource attributes) for
 * whatever the `telemetry.tracing` block leaves unset. Only traces: no metrics (those are
 * Prometheus's), no log export, no auto-instrumentation (the gateway makes its own spans), and the
 * global context manager and provider are the router's (`installGlobalTracing`). `spanProcessor`
 * replaces the exporters (tests). Undefined when sdk-node starts no tracer (OTEL_SDK_DISABLED).
 */
export async function startSdk(
  settings: TracingSettings,
  spanProcessor: SpanProcessor | undefined,
): Promise<StartedTracing | undefined> {
  const configuration: Partial<NodeSDKConfiguration> = {
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_VERSION]: gatehouseVersion() })),
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: null,
    // null: do not register one (sdk-node's own convention); installGlobalTracing has.
    contextManager: null as unknown as NodeSDKConfiguration['contextManager'],
  };
  if (settings.serviceName !== undefined) configuration.serviceName = settings.serviceName;
  if (settings.sampleRatio !== undefined) {
    configuration.sampler = new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(settings.sampleRatio),
    });
  }
  if (spanProcessor !== undefined) configuration.spanProcessors = [spanProcessor];
  else if (settings.exporter?.kind === 'console')
    configuration.spanProcessors = [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })];
  else if (settings.exporter !== undefined)
    configuration.traceExporter = await otlpExporter(settings.exporter);
  const sdk = new NodeSDK(configuration);
  sdk.start();
  const provider = providerOf(sdk);
  if (provider === undefined) {
    await sdk.shutdown();
    return undefined;
  }
  return { provider, shutdown: () => sdk.shutdown() };
}

/**
 * The tracer provider sdk-node built. sdk-node means it to be reached through the global API, but
 * the global provider is the router here (several gateways can share a process), so sdk-node's
 * attempt to register its own is refused and the provider is read from the SDK. A version of sdk-node
 * that keeps it elsewhere fails the tracing tests rather than tracing nothing.
 */
function providerOf(sdk: NodeSDK): TracerProvider | undefined {
  const provider = (sdk as unknown as { _tracerProvider?: unknown })._tracerProvider;
  if (provider === undefined) return undefined;
  if (typeof (provider as Partial<TracerProvider>).getTracer !== 'function')
    throw new Error('@opentelemetry/sdk-node keeps its tracer provider where Gatehouse does not expect it');
  return provider as TracerProvider;
}

/** The OTLP exporter for the block's protocol, loaded only when used (gRPC's weighs the most). */
async function otlpExporter(settings: Extract<ExporterSettings, { kind: 'otlp' }>): Promise<SpanExporter> {
  const base = settings.endpoint?.replace(/\/+$/, '');
  switch (settings.protocol) {
    case 'grpc': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter(base === undefined ? {} : { url: base });
    }
    case 'http/json': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter(base === undefined ? {} : { url: `${base}/v1/traces` });
    }
    case 'http/protobuf': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter(base === undefined ? {} : { url: `${base}/v1/traces` });
    }
  }
}

function gatehouseVersion(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return version;
}

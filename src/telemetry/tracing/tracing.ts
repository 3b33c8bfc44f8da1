import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import { fetchSpans } from './fetch-spans.js';
import { installGlobalTracing } from './global-tracing.js';
import { requestSpans, TRACING_PLUGIN } from './request-spans.js';
import { startSdk } from './sdk.js';
import type { TracingSettings } from './settings.js';
import type { Tracing, TracingOptions } from './types.js';

/** Starts the SDK and makes the tracing plugin; undefined when sdk-node starts no tracer. */
export async function createTracing(
  settings: TracingSettings,
  options: TracingOptions,
): Promise<Tracing | undefined> {
  const { logger } = options;
  if (installGlobalTracing(settings.activeContext) === 'foreign') {
    logger.warn(
      "tracing: another OpenTelemetry tracer provider is registered globally; @apollo/gateway's spans go to it",
    );
  }
  const started = await startSdk(settings, options.spanProcessor);
  if (started === undefined) {
    logger.info('tracing: OpenTelemetry started no tracer (OTEL_SDK_DISABLED or no exporter); not tracing');
    return undefined;
  }
  const kit = {
    tracer: started.provider.getTracer('gatehouse'),
    provider: started.provider,
    propagator: new W3CTraceContextPropagator(),
    settings,
    requests: new WeakMap(),
  };
  const requests = requestSpans(kit);
  const fetches = fetchSpans(kit);
  const plugin: GatewayPlugin = {
    name: TRACING_PLUGIN,
    edge: {
      onRequest(request, _reply, done) {
        requests.open(request);
        requests.noteTraceId(request);
        done();
      },
      onResponse(request, reply, done) {
        requests.close(request, reply);
        done();
      },
    },
    operation: requests.operation,
    subgraphCall: fetches.subgraphCall,
    instrument: { ...requests.instrument, connectorCall: fetches.connectorCall },
    dispose: () => started.shutdown(),
  };
  logger.info(
    {
      exporter: settings.exporter?.kind ?? 'OTEL_TRACES_EXPORTER',
      ...(settings.sampleRatio === undefined ? {} : { sampleRatio: settings.sampleRatio }),
      trustIncomingTraceparent: settings.trustIncomingTraceparent,
    },
    'tracing: on',
  );
  return { plugin, watchHook: requests.watchHook, sharedCall: fetches.sharedCall };
}

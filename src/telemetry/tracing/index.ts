import type { GatehouseConfig } from '../../config/load.js';
import { tracingSettings } from './settings.js';
import type { Tracing, TracingOptions } from './types.js';

export type { Tracing, TracingOptions } from './types.js';

/**
 * Starts OpenTelemetry tracing (`@opentelemetry/sdk-node`) for one gateway, or returns undefined
 * when tracing is off (the default: `telemetry.tracing.enabled`, or `OTEL_TRACES_EXPORTER`, turns it
 * on). Off, nothing is started, nothing is added to the request path, and the SDK is not even
 * loaded (it weighs a couple of seconds of start-up and tens of megabytes).
 */
export async function startTracing(
  config: GatehouseConfig,
  options: TracingOptions,
): Promise<Tracing | undefined> {
  const settings = tracingSettings(config, options.env ?? process.env);
  if (settings === undefined) return undefined;
  const { createTracing } = await import('./tracing.js');
  return createTracing(settings, options);
}

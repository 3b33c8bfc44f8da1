import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import type { SubgraphCall } from '../../execution/transport/subgraph-call.js';
import type { GatewayPlugin } from '../../pipeline/plugin.js';
import type { HookWatcher } from '../plugin-hooks.js';

export interface TracingOptions {
  logger: Logger;
  /** Receives every span instead of the configured exporters (tests use an in-memory exporter). */
  spanProcessor?: SpanProcessor | undefined;
  /** Where `OTEL_*` variables are read; by default the process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** One gateway's tracing: the plugin, and what the plugin list's assembly hands to others. */
export interface Tracing {
  /**
   * The last plugin of the list: the request's server span, parse and validate, plan and execute,
   * a span per subgraph fetch and connector call, and W3C trace context on every call. Its
   * subgraph-call hook is the innermost. Disposing it exports what is left and stops the SDK.
   */
  readonly plugin: GatewayPlugin;
  /** Gives every hook of the plugins that can refuse a span (for `watchPluginHooks`). */
  readonly watchHook: HookWatcher;
  /** For in-flight de-duplication: a span for a call answered by another request's. */
  readonly sharedCall: (call: SubgraphCall) => ((error: unknown) => void) | undefined;
}

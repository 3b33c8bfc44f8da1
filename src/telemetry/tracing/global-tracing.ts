import {
  context,
  createContextKey,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/**
 * `@apollo/gateway` makes its spans (gateway.request, plan, execute, fetch) with the global tracer,
 * which it takes once, when it is loaded; the API then keeps the first tracer it gets from the global
 * provider for good. So the global provider cannot be one gateway's: a gateway that stops, or a second
 * one in the same process (tests), would lose Apollo's spans or get another gateway's. The global
 * provider is this router instead, registered once per process: it sends each span to the provider
 * of the gateway whose request it belongs to, which the request's context names (`routeTo`). A span
 * started outside any traced request is not recorded.
 */
const ROUTE = createContextKey('gatehouse.tracing.provider');
const BRAND = Symbol.for('gatehouse.tracing.routingProvider');

/** `ctx`, naming `provider` as where spans started under it by the global tracer go. */
export function routeTo(ctx: Context, provider: TracerProvider): Context {
  return ctx.setValue(ROUTE, provider);
}

export type GlobalTracing = 'routed' | 'foreign';

/**
 * Registers the router as the global tracer provider unless this process did already, and with
 * `activeContext` an AsyncLocalStorage context manager (so that Apollo's active spans nest) unless
 * one is registered. 'foreign' means another provider was registered first (an auto-instrumentation
 * preload, say): Apollo's spans go to it.
 */
export function installGlobalTracing(activeContext: boolean): GlobalTracing {
  // Whoever registered a context manager first keeps it; it is theirs to make work across awaits.
  if (activeContext && !hasContextManager()) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  const current = trace.getTracerProvider() as TracerProvider & { [BRAND]?: true };
  if (current[BRAND]) return 'routed';
  if (!(current instanceof ProxyTracerProvider)) return 'foreign';
  trace.setGlobalTracerProvider(new RoutingTracerProvider());
  return 'routed';
}

/**
 * Whether a context manager is registered: the API's no-op one keeps nothing across a call, so
 * inside `context.with` the active context is still the root.
 */
function hasContextManager(): boolean {
  const probe = createContextKey('gatehouse.tracing.probe');
  return context.with(ROOT_CONTEXT.setValue(probe, true), () => context.active().getValue(probe) === true);
}

class RoutingTracerProvider implements TracerProvider {
  readonly [BRAND] = true as const;

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new RoutingTracer(name, version, options);
  }
}

class RoutingTracer implements Tracer {
  /** The tracer of each gateway's provider, made on first use. */
  private readonly tracers = new WeakMap<TracerProvider, Tracer>();

  constructor(
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined,
  ) {}

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const provider = ctx.getValue(ROUTE) as TracerProvider | undefined;
    if (provider === undefined) {
      // As the API's no-op tracer does: the parent's context travels on, nothing is recorded.
      const parent = trace.getSpanContext(ctx);
      return trace.wrapSpanContext(
        parent !== undefined && isSpanContextValid(parent) ? parent : INVALID_SPAN_CONTEXT,
      );
    }
    let tracer = this.tracers.get(provider);
    if (tracer === undefined) {
      tracer = provider.getTracer(this.name, this.version, this.options);
      this.tracers.set(provider, tracer);
    }
    return tracer.startSpan(name, options, ctx);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = args.length > 1 ? (args[0] as SpanOptions) : undefined;
    const parent = args.length > 2 ? (args[1] as Context) : context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

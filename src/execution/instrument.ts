import type { GatehouseContext } from '../request-context.js';

/**
 * What telemetry may watch of the steps that no plugin hook sees: planning and running a plan in
 * Gatehouse's executor, and each HTTP call a REST connector makes. Execution calls these when they are
 * given and knows nothing of what they record (spans, the plan-cache outcome); without them it pays
 * nothing.
 */
export interface ExecutionInstrument {
  /**
   * Gatehouse's executor is about to look up (or make) the plan of a request; the function returned
   * is told, once the plan is there, whether the plan cache had it.
   */
  plan?(context: GatehouseContext): PlanWatch | undefined;
  /** Runs a plan for a request: must call `run` once and return what it returns. */
  execute?<T>(context: GatehouseContext, run: () => Promise<T>): Promise<T>;
  /** A REST connector is about to send one HTTP request. */
  connectorCall?(call: ConnectorCallInfo): HttpCallWatch | undefined;
}

export type PlanWatch = (cache: 'hit' | 'miss') => void;

/** One HTTP request of a REST connector. */
export interface ConnectorCallInfo {
  readonly method: string;
  /** The full URL, query string included. */
  readonly url: URL;
  /** The connector's id, e.g. `inventory:Product@connect[0]`. */
  readonly connector: string;
  /** The connector subgraph it belongs to. */
  readonly subgraph: string;
  /** The client request it is made for. */
  readonly client?: GatehouseContext | undefined;
}

/** What a watcher of one HTTP call adds to it, and how it hears of its end. */
export interface HttpCallWatch {
  /** Headers to send with the call (the trace context). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The call ended with a response (any status), or failed without one. */
  end(outcome: { status: number; bytes: number } | { error: unknown }): void;
}

/** Several instruments as one, in the given order (the first one's `execute` outermost). */
export function combineInstruments(instruments: readonly ExecutionInstrument[]): ExecutionInstrument {
  if (instruments.length === 1) return instruments[0] as ExecutionInstrument;
  const planners = instruments.filter((instrument) => instrument.plan !== undefined);
  const runners = instruments.filter((instrument) => instrument.execute !== undefined);
  const callers = instruments.filter((instrument) => instrument.connectorCall !== undefined);
  const combined: ExecutionInstrument = {};
  if (planners.length > 0) {
    combined.plan = (context) => {
      const watches = planners.flatMap((instrument) => instrument.plan?.(context) ?? []);
      if (watches.length === 0) return undefined;
      return (cache) => {
        for (const watch of watches) watch(cache);
      };
    };
  }
  if (runners.length > 0) {
    combined.execute = <T>(context: GatehouseContext, run: () => Promise<T>): Promise<T> =>
      runners.reduceRight<() => Promise<T>>(
        (next, instrument) => () =>
          (instrument.execute as NonNullable<ExecutionInstrument['execute']>)(context, next),
        run,
      )();
  }
  if (callers.length > 0) {
    combined.connectorCall = (call) => {
      const watches = callers.flatMap((instrument) => instrument.connectorCall?.(call) ?? []);
      if (watches.length === 0) return undefined;
      return {
        headers: Object.assign({}, ...watches.map((watch) => watch.headers ?? {})) as Record<string, string>,
        end(outcome) {
          for (const watch of watches) watch.end(outcome);
        },
      };
    };
  }
  return combined;
}

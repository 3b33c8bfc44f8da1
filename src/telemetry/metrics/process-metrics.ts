import { collectDefaultMetrics, Registry } from 'prom-client';

let collector: Registry | undefined;

/**
 * The Node process metrics (prom-client's default metrics: CPU, memory, heap, event-loop lag, GC,
 * handles), collected once per process. They describe the process, not a gateway, and prom-client
 * starts an event-loop delay timer and a GC observer for them that can never be stopped: made per
 * gateway, every gateway a process ever started (tests start dozens) would keep its own running.
 * So this is module state on purpose, the one place in the metrics: it belongs to the process.
 */
export function processMetrics(): Registry {
  if (collector === undefined) {
    collector = new Registry();
    collectDefaultMetrics({ register: collector });
  }
  return collector;
}

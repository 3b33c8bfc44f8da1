export { useMetrics, type MetricsOptions } from './plugin.js';
export type { BreakerPhase, ServedSupergraphView } from './gateway-metrics.js';

export { useTraffic, type TrafficOptions, type TrafficPlugin } from './plugin.js';
export { openTrafficStore, type TrafficStoreResources } from './open-store.js';
export { countedKey, type CallerFacts } from './caller.js';
export { planLimits, planOf, ruleLimit, type LimitPolicy, type PlanLimits } from './plans.js';
export { rateLimitHeaders, retryAfterSeconds, type RateLimitHeaders } from './rate-headers.js';
export { periodOf, type Period } from './periods.js';
export { registerUsageRoutes, USAGE_PATH, type UsageRouteDeps } from './usage-route.js';
export type { TrafficStore } from './store/types.js';

export { DASHBOARD_STATS_PATH, useDashboard, type DashboardOptions } from './plugin.js';
export type { BreakerPhase, DashboardStats } from './types.js';

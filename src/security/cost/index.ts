export { useDemandControl, asksForCost, COST_DEBUG } from './plugin.js';
export type { CostExtension, DemandControlOptions } from './plugin.js';
export { actualCost } from './actual.js';
export type { ActualCostInput } from './actual.js';
export { estimateCost, MUTATION_BASE_COST } from './estimate.js';
export type { CostInput, Estimate } from './estimate.js';
export { buildCostTable, costDirectiveNames, CostTable } from './cost-table.js';
export type { CostDirectiveNames, FieldCost, ListSizeSpec } from './cost-table.js';

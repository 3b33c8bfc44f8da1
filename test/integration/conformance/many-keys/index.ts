import type { ConformanceScenario } from '../types.js';
import { keyPathCases } from './key-paths.js';
import { operationCases } from './operations.js';
import { inventory, pricing, registry, reviews } from './subgraphs.js';

export const manyKeys: ConformanceScenario = {
  name: 'entities with many keys',
  subgraphs: [inventory, registry, pricing, reviews],
  cases: [...keyPathCases, ...operationCases],
};

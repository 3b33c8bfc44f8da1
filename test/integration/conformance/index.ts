import { entities } from './entities/index.js';
import type { ConformanceScenario } from './types.js';

export const scenarios: ConformanceScenario[] = [entities];

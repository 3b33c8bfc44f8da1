import { entities } from './entities/index.js';
import { requires } from './requires/index.js';
import type { ConformanceScenario } from './types.js';

export const scenarios: ConformanceScenario[] = [entities, requires];

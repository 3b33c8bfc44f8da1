import { abstractTypes } from './abstract-types/index.js';
import { entities } from './entities/index.js';
import { ownership } from './ownership/index.js';
import { requires } from './requires/index.js';
import type { ConformanceScenario } from './types.js';

export const scenarios: ConformanceScenario[] = [entities, requires, ownership, abstractTypes];

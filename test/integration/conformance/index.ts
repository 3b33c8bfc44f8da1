import { abstractTypes } from './abstract-types/index.js';
import { entities } from './entities/index.js';
import { errors } from './errors/index.js';
import { mutations } from './mutations/index.js';
import { operations } from './operations/index.js';
import { ownership } from './ownership/index.js';
import { requires } from './requires/index.js';
import { subgraphDown } from './subgraph-down/index.js';
import type { ConformanceScenario } from './types.js';

export const scenarios: ConformanceScenario[] = [
  entities,
  requires,
  ownership,
  abstractTypes,
  mutations,
  operations,
  errors,
  subgraphDown,
];

import type { ConformanceScenario } from '../types.js';
import { entityErrorCases } from './entity-errors.js';
import { fieldErrorCases } from './field-errors.js';
import { badgesSubgraph, legacySubgraph, peopleSubgraph, profilesSubgraph } from './subgraphs.js';

export const errors: ConformanceScenario = {
  name: 'null and error propagation',
  subgraphs: [peopleSubgraph, profilesSubgraph, badgesSubgraph, legacySubgraph],
  cases: [...fieldErrorCases, ...entityErrorCases],
};

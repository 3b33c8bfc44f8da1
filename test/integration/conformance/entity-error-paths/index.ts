import type { ConformanceScenario } from '../types.js';
import { entityIndexCases } from './entity-index.js';
import { directory, hr, legacy } from './subgraphs.js';
import { wholeBatchCases } from './whole-batch.js';

/** A failed entity fetch reports client paths, never the plan's "@" or the subgraph's _entities. */
export const entityErrorPaths: ConformanceScenario = {
  name: 'entity error paths',
  subgraphs: [directory, hr, legacy],
  cases: [...wholeBatchCases, ...entityIndexCases],
};

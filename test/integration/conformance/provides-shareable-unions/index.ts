import type { ConformanceScenario } from '../types.js';
import { eventsSubgraph, feedSubgraph, postsSubgraph, statsSubgraph } from './feed-subgraphs.js';
import { catalogSubgraph, inventorySubgraph, shelvesSubgraph } from './library-subgraphs.js';
import { overrideCases } from './override-cases.js';
import { providesCases } from './provides-cases.js';
import { shareableCases } from './shareable-cases.js';
import { unionCases } from './union-cases.js';

export const providesOnAbstractTypes: ConformanceScenario = {
  name: '@provides on abstract types and shareable roots',
  subgraphs: [catalogSubgraph, inventorySubgraph, shelvesSubgraph],
  cases: [...providesCases, ...shareableCases],
};

export const unionsAndOverrideWithRequires: ConformanceScenario = {
  name: 'unions across subgraphs and @override with @requires',
  subgraphs: [postsSubgraph, eventsSubgraph, feedSubgraph, statsSubgraph],
  cases: [...unionCases, ...overrideCases],
};

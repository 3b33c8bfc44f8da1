import type { ConformanceScenario } from '../types.js';
import { enumAndInputCases } from './enums-and-inputs.js';
import { fed1Cases } from './fed1.js';
import { accountsSubgraph, productsSubgraph, reviewsSubgraph } from './fed1-subgraphs.js';
import { inaccessibleCases } from './inaccessible.js';
import { catalogSubgraph, reviewsSubgraph as catalogReviewsSubgraph } from './merging-subgraphs.js';
import { nullKeyCases } from './null-keys.js';

export const enumsInputsNullKeys: ConformanceScenario = {
  name: 'enums and inputs that differ, null keys',
  subgraphs: [catalogSubgraph, catalogReviewsSubgraph],
  cases: [...enumAndInputCases, ...nullKeyCases],
};

export const fed1Inaccessible: ConformanceScenario = {
  name: 'Federation 1 subgraphs and @inaccessible',
  subgraphs: [productsSubgraph, reviewsSubgraph, accountsSubgraph],
  cases: [...fed1Cases, ...inaccessibleCases],
};

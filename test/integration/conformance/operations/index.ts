import type { ConformanceScenario } from '../types.js';
import { directiveAndVariableCases } from './directives-and-variables.js';
import { fragmentAndAliasCases } from './fragments-and-aliases.js';
import { librarySubgraph, loansSubgraph } from './subgraphs.js';

export const operations: ConformanceScenario = {
  name: 'operations: directives, variables, defaults, fragments, aliases',
  subgraphs: [librarySubgraph, loansSubgraph],
  cases: [...directiveAndVariableCases, ...fragmentAndAliasCases],
};

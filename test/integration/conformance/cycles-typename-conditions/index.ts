import type { ConformanceScenario } from '../types.js';
import { conditionCases } from './conditions.js';
import { cycleCases } from './cycles.js';
import { commentsSubgraph, postsSubgraph, usersSubgraph } from './subgraphs.js';
import { typenameCases } from './typename.js';

export const cyclesTypenameConditions: ConformanceScenario = {
  name: 'cycles through interfaces, __typename and conditions at fetch boundaries',
  subgraphs: [usersSubgraph, postsSubgraph, commentsSubgraph],
  cases: [...cycleCases, ...typenameCases, ...conditionCases],
};

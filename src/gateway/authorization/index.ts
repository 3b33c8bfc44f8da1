export { createDecider, type Decide, type PolicyEvaluator } from './decide.js';
export { filterOperation, type FilterOptions, type FilterResult } from './filter-operation.js';
export { useAuthorization, type AuthorizationOptions } from './plugin.js';
export {
  LIST_MARKER,
  applyRemovals,
  responsePath,
  unauthorizedErrors,
  type PathSegment,
  type RemovedField,
} from './removed-paths.js';
export { requirementIndex, type AuthorizationRules, type Requirement } from './requirements.js';
export { prepareSupergraph, type PreparedSupergraph } from './supergraph-metadata.js';
export { SupergraphRules } from './supergraph-rules.js';

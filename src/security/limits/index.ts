export { useOperationLimits, PLUGIN_NAME as OPERATION_LIMITS_PLUGIN } from './plugin.js';
export { factsOf, type DocumentFacts, type OperationFacts } from './facts.js';
export { countTokens } from './tokens.js';

/**
 * Apollo Connectors' mapping language (JSONSelection) and its URL/header templates.
 * Parse once at compose time; apply per request. Evaluation never throws: problems are returned as errors.
 */
export { SelectionSyntaxError, type ApplyError } from './errors.js';
export type { Expression, Selection, Template } from './ast.js';
export { parseExpression, parseSelection } from './parser.js';
export { applySelection, evaluateExpression, type ApplyResult, type Variables } from './evaluate.js';
export { selectionShape, variableReferences, type OutputShape, type VariableReference } from './analysis.js';
export { parseTemplate, renderHeaderValue, renderUrl } from './template.js';
export { KNOWN_METHODS } from './methods.js';

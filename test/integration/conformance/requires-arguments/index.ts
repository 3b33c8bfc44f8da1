import type { ConformanceScenario } from '../types.js';
import { commentCases } from './comment-cases.js';
import { nestedCases } from './nested-cases.js';
import { otherCases } from './other-cases.js';
import { blog, insights } from './subgraphs.js';

/**
 * `@requires` of fields with arguments: insights requires blog's comments(limit:) and
 * price(currency:) and stats { views(period:) } with literal arguments, and checks that each representation carries exactly
 * what those arguments give, while the client selects the same fields with arguments of its own.
 */
export const requiresArguments: ConformanceScenario = {
  name: '@requires with arguments',
  subgraphs: [blog, insights],
  cases: [...commentCases, ...otherCases, ...nestedCases],
};

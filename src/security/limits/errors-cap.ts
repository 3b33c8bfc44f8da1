import type { GraphQLFormattedError } from 'graphql';
import type { ErrorCode } from '../../errors.js';

const TOO_MANY_ERRORS: ErrorCode = 'TOO_MANY_ERRORS';

/**
 * The first `max` distinct errors (by message, path and code), and one error saying how many were
 * left out; undefined when there are no more than `max` errors (the response is left as it is).
 */
export function capErrors(
  errors: readonly GraphQLFormattedError[],
  max: number,
): GraphQLFormattedError[] | undefined {
  if (errors.length <= max) return undefined;
  const seen = new Set<string>();
  const kept: GraphQLFormattedError[] = [];
  let leftOut = 0;
  for (const error of errors) {
    const key = JSON.stringify([error.message, error.path ?? null, error.extensions?.code ?? null]);
    if (kept.length >= max || seen.has(key)) {
      leftOut++;
      continue;
    }
    seen.add(key);
    kept.push(error);
  }
  kept.push({
    message: `${leftOut} more errors were left out (security.limits.maxErrors is ${max}).`,
    extensions: { code: TOO_MANY_ERRORS },
  });
  return kept;
}

import type { Principal } from '../../auth/principal.js';
import type { LimitValues, SecurityConfig } from '../../config/security-schema.js';
import type { ErrorCode } from '../../errors.js';
import type { DocumentFacts, OperationFacts } from './facts.js';

export type LimitsConfig = SecurityConfig['limits'];
export type LimitName = keyof LimitValues;
export type Limits = Readonly<LimitValues>;

/**
 * The limits of each principal: the first override that matches it, over the top-level values.
 * Anonymous callers (and gateways without identity) get the top-level values.
 */
export function limitsResolver(config: LimitsConfig): (principal: Principal | undefined) => Limits {
  const base: Limits = Object.freeze(pickLimits(config));
  if (config.overrides.length === 0) return () => base;
  const overrides = config.overrides.map(({ match, ...values }) => ({
    subjects: new Set(match.subjects ?? []),
    scopes: match.scopes ?? [],
    plans: new Set(match.plans ?? []),
    limits: Object.freeze({ ...base, ...definedOnly(values) }) as Limits,
  }));
  // Identity caches principals per credential, so this is one look-up per request.
  const byPrincipal = new WeakMap<Principal, Limits>();
  return (principal) => {
    if (principal === undefined || principal.kind === 'anonymous') return base;
    let limits = byPrincipal.get(principal);
    if (limits === undefined) {
      const match = overrides.find(
        (override) =>
          override.subjects.has(principal.subject) ||
          override.scopes.some((scope) => principal.scopes.has(scope)) ||
          (principal.plan !== undefined && override.plans.has(principal.plan)),
      );
      limits = match?.limits ?? base;
      byPrincipal.set(principal, limits);
    }
    return limits;
  };
}

/** The largest value each limit takes for anyone: how far counting must go to judge every principal. */
export function widestLimits(config: LimitsConfig): Limits {
  const widest = pickLimits(config);
  for (const override of config.overrides) {
    for (const name of Object.keys(widest) as LimitName[]) {
      const value = override[name];
      if (value !== undefined && value > widest[name]) widest[name] = value;
    }
  }
  return widest;
}

/** The smallest value each limit takes for anyone. */
export function narrowestLimits(config: LimitsConfig): Limits {
  const narrowest = pickLimits(config);
  for (const override of config.overrides) {
    for (const name of Object.keys(narrowest) as LimitName[]) {
      const value = override[name];
      if (value !== undefined && value < narrowest[name]) narrowest[name] = value;
    }
  }
  return narrowest;
}

function pickLimits(config: LimitsConfig): LimitValues {
  const { maxDepth, maxAliases, maxRootFields, maxDirectives, maxTokens } = config;
  const { maxFragments, maxSpreads, maxVariables, maxErrors } = config;
  return {
    maxDepth,
    maxAliases,
    maxRootFields,
    maxDirectives,
    maxTokens,
    maxFragments,
    maxSpreads,
    maxVariables,
    maxErrors,
  };
}

function definedOnly(values: Partial<Record<LimitName, number | undefined>>): Partial<LimitValues> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** A limit the request goes beyond: which, by how much, and what the client is told. */
export interface Breach {
  readonly limit: LimitName;
  readonly code: ErrorCode;
  /** What was counted; for tokens and variables counting stops just past the limit. */
  readonly value: number;
  readonly allowed: number;
  readonly message: string;
}

const where = (limit: LimitName, allowed: number) =>
  `this gateway allows at most ${allowed} (security.limits.${limit}).`;

/**
 * The first limit the document breaks for these limits, in the order a client would fix them: size,
 * then shape. `tokens` is the document's token count, as far as it was counted.
 */
export function firstBreach(
  document: DocumentFacts,
  operation: OperationFacts | undefined,
  tokens: number,
  limits: Limits,
): Breach | undefined {
  if (tokens > limits.maxTokens) return tokensBreach(tokens, limits.maxTokens);
  if (document.fragments > limits.maxFragments) {
    const { fragments } = document;
    const message = `The document defines ${fragments} fragments; ${where('maxFragments', limits.maxFragments)}`;
    return breach('maxFragments', 'MAX_FRAGMENTS_EXCEEDED', fragments, limits.maxFragments, message);
  }
  if (document.directives > limits.maxDirectives) {
    const { directives } = document;
    const message = `The document has ${directives} directives; ${where('maxDirectives', limits.maxDirectives)}`;
    return breach('maxDirectives', 'MAX_DIRECTIVES_EXCEEDED', directives, limits.maxDirectives, message);
  }
  // No operation selected: operation resolution answers that.
  if (operation === undefined) return undefined;
  if (operation.depth > limits.maxDepth) {
    const nested = operation.cycle
      ? `The operation spreads fragments in a cycle (${operation.cycle.join(' → ')}), so it is nested without end`
      : `The operation is nested ${operation.depth} deep`;
    const message = `${nested}; ${where('maxDepth', limits.maxDepth)}`;
    return breach('maxDepth', 'MAX_DEPTH_EXCEEDED', operation.depth, limits.maxDepth, message);
  }
  if (operation.rootFields > limits.maxRootFields) {
    const { rootFields } = operation;
    const message = `The operation selects ${rootFields} root fields; ${where('maxRootFields', limits.maxRootFields)}`;
    return breach('maxRootFields', 'MAX_ROOT_FIELDS_EXCEEDED', rootFields, limits.maxRootFields, message);
  }
  if (operation.aliases > limits.maxAliases) {
    const { aliases } = operation;
    const message = `The operation has ${aliases} aliases; ${where('maxAliases', limits.maxAliases)}`;
    return breach('maxAliases', 'MAX_ALIASES_EXCEEDED', aliases, limits.maxAliases, message);
  }
  if (operation.spreads > limits.maxSpreads) {
    const { spreads } = operation;
    const message = `The operation spreads fragments ${spreads} times; ${where('maxSpreads', limits.maxSpreads)}`;
    return breach('maxSpreads', 'MAX_SPREADS_EXCEEDED', spreads, limits.maxSpreads, message);
  }
  return undefined;
}

/** `counted` stopped one past the limit, so the exact number is not known. */
export function tokensBreach(counted: number, allowed: number): Breach {
  const message = `The document has more than ${allowed} tokens; ${where('maxTokens', allowed)}`;
  return breach('maxTokens', 'MAX_TOKENS_EXCEEDED', counted, allowed, message);
}

export function variablesBreach(counted: number, allowed: number): Breach {
  const message = `The request has more than ${allowed} variables; ${where('maxVariables', allowed)}`;
  return breach('maxVariables', 'MAX_VARIABLES_EXCEEDED', counted, allowed, message);
}

function breach(limit: LimitName, code: ErrorCode, value: number, allowed: number, message: string): Breach {
  return { limit, code, value, allowed, message };
}

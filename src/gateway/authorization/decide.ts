import type { Principal } from '../../auth/principal.js';
import type { AuthConfig } from '../../config/auth-schema.js';
import type { GatehouseContext } from '../../request-context.js';
import { policyNames, type Alternatives, type Requirement } from './requirements.js';

export type PolicyConfig = AuthConfig['policies'][string];

/**
 * Decides the policies configured with `authorizer: true` (the external authorizer). It is called
 * at most once per request, with every such policy the request needs; a name missing from the
 * answer is denied. It may throw a GraphQLError (e.g. `AUTHORIZER_UNAVAILABLE`) to fail the request.
 */
export type PolicyEvaluator = (
  policies: readonly string[],
  principal: Principal,
  context: GatehouseContext,
) => Promise<Readonly<Record<string, boolean>>>;

/** Whether the caller meets a requirement. */
export type Decide = (requirement: Requirement) => boolean | Promise<boolean>;

export interface DeciderOptions {
  principal: Principal;
  policies: Readonly<Record<string, PolicyConfig>>;
  evaluator?: PolicyEvaluator | undefined;
  context: GatehouseContext;
}

/**
 * The decisions for one request. Each policy is evaluated once; the policies that need the
 * external authorizer are sent to it in one call.
 */
export function createDecider({ principal, policies, evaluator, context }: DeciderOptions): Decide {
  const decided = new Map<string, boolean | Promise<boolean>>();
  let batch: { names: string[]; answer: Promise<Readonly<Record<string, boolean>>> } | undefined;

  const askAuthorizer = (name: string): Promise<boolean> => {
    if (!evaluator) return Promise.resolve(false);
    if (!batch) {
      const names: string[] = [];
      // Every policy asked for in this tick joins the batch; it is sent once the tick is over.
      const answer = Promise.resolve().then(() => {
        batch = undefined;
        return evaluator(names, principal, context);
      });
      batch = { names, answer };
    }
    batch.names.push(name);
    return batch.answer.then((answer) => answer[name] === true);
  };

  const policy = (name: string): boolean | Promise<boolean> => {
    const known = decided.get(name);
    if (known !== undefined) return known;
    const config = policies[name];
    let decision: boolean | Promise<boolean>;
    if (config === undefined || !meetsConfiguredRule(principal, config)) decision = false;
    else decision = config.authorizer ? askAuthorizer(name) : true;
    decided.set(name, decision);
    return decision;
  };

  return (requirement) => {
    if (requirement.authenticated && principal.kind !== 'authenticated') return false;
    const scopes = principal.kind === 'authenticated' ? principal.scopes : new Set<string>();
    if (!requirement.scopes.every((alternatives) => satisfied(alternatives, (scope) => scopes.has(scope))))
      return false;
    if (requirement.policies.length === 0) return true;
    const decisions = new Map(policyNames(requirement).map((name) => [name, policy(name)]));
    const check = (granted: ReadonlyMap<string, boolean>) =>
      requirement.policies.every((alternatives) =>
        satisfied(alternatives, (name) => granted.get(name) === true),
      );
    const pending = [...decisions.values()].some((decision) => typeof decision !== 'boolean');
    if (!pending) return check(decisions as ReadonlyMap<string, boolean>);
    return Promise.all([...decisions].map(async ([name, decision]) => [name, await decision] as const)).then(
      (settled) => check(new Map(settled)),
    );
  };
}

/** OR of AND-sets; an empty list asks for nothing. */
function satisfied(alternatives: Alternatives, has: (item: string) => boolean): boolean {
  return alternatives.length === 0 || alternatives.some((set) => set.every(has));
}

/** The `claims` and `scopes` parts of a configured policy; a policy with neither passes here. */
function meetsConfiguredRule(principal: Principal, config: PolicyConfig): boolean {
  if (config.claims === undefined && config.scopes === undefined) return true;
  if (principal.kind !== 'authenticated') return false;
  for (const [claim, expected] of Object.entries(config.claims ?? {})) {
    if (!claimMatches(principal.claims[claim], expected)) return false;
  }
  return (config.scopes ?? []).every((scope) => principal.scopes.has(scope));
}

/** A claim matches when it equals the expected value, or one of them (an array); array claims match on any item. */
function claimMatches(actual: unknown, expected: string | number | boolean | readonly string[]): boolean {
  const wanted: readonly unknown[] = Array.isArray(expected) ? expected : [expected];
  const held: readonly unknown[] = Array.isArray(actual) ? actual : [actual];
  return held.some((value) => value !== undefined && wanted.includes(value));
}

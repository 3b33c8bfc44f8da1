import type { AuthorizerClient } from '../auth/authorizer.js';
import { authorizerPolicyEvaluator } from '../auth/authorizer.js';
import type { AuthConfig } from '../config/auth-schema.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { SupergraphRules, useAuthorization } from './authorization/index.js';

/**
 * Enforcement of @authenticated, @requiresScopes and @policy. Always in the plugin list: a hot
 * reload can bring secured fields in, and without any rules it costs one lookup per request. The
 * stock supergraph loader refuses the security features, so their links are taken out of each
 * supergraph before it loads, and the rules kept for the API schema the gateway builds from it.
 */
export function useFieldAuthorization(
  auth: AuthConfig,
  authorizer: AuthorizerClient | undefined,
): GatewayPlugin {
  const rules = new SupergraphRules();
  return {
    name: 'authorization',
    prepareSupergraph: (sdl) => rules.prepare(sdl),
    supergraphChanged: (loaded) => rules.bind(loaded),
    operation: useAuthorization({
      rules: (schema) => rules.rulesFor(schema),
      auth,
      policyEvaluator: authorizer ? authorizerPolicyEvaluator(authorizer) : undefined,
    }),
  };
}

import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { authorizerPolicyEvaluator } from '../auth/authorizer.js';
import type { GatehouseConfig } from '../config/load.js';
import { SupergraphRules, useAuthorization } from './authorization/index.js';
import type { GatehouseContext } from './context.js';

export interface AuthorizationSetup {
  /** The SDL the stock loader accepts (security links stripped); its rules are kept for `bind`. */
  prepare(supergraphSdl: string): string;
  /** Ties the rules to the API schema the gateway built, on every load or hot reload. */
  bind(loaded: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }): void;
  plugin: ApolloServerPlugin<GatehouseContext>;
}

/**
 * Enforcement of @authenticated, @requiresScopes and @policy. Always installed: a hot reload can
 * bring secured fields in, and without any rules it costs one lookup per request.
 */
export function setUpAuthorization(config: GatehouseConfig, logger: FastifyBaseLogger): AuthorizationSetup {
  const rules = new SupergraphRules();
  const { authorizer } = config.auth;
  return {
    prepare: (sdl) => rules.prepare(sdl),
    bind: (loaded) => rules.bind(loaded),
    plugin: useAuthorization({
      rules: (schema) => rules.rulesFor(schema),
      auth: config.auth,
      policyEvaluator: authorizer ? authorizerPolicyEvaluator(authorizer, logger) : undefined,
    }),
  };
}

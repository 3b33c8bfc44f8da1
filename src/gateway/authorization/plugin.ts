import { createHash } from 'node:crypto';
import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLRequestContextDidResolveOperation,
} from '@apollo/server';
import {
  getOperationAST,
  print,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ANONYMOUS, type Principal } from '../../auth/principal.js';
import type { AuthConfig } from '../../config/auth-schema.js';
import { gatehouseError } from '../../errors.js';
import type { GatehouseContext } from '../../request-context.js';
import { createDecider, type PolicyEvaluator } from './decide.js';
import { filterOperation } from './filter-operation.js';
import { visibleIntrospection } from './introspection.js';
import { applyRemovals, unauthorizedErrors, type RemovedField } from './removed-paths.js';
import { hasRules, requirementIndex, type AuthorizationRules } from './requirements.js';

export interface AuthorizationOptions {
  /**
   * The rules of the supergraph being served: fixed, or looked up by the API schema a request was
   * validated with (`SupergraphRules.rulesFor`), which keeps them in step across hot reloads.
   * A schema without rules gets no operation run (fail closed).
   */
  rules: AuthorizationRules | ((apiSchema: GraphQLSchema) => AuthorizationRules | undefined);
  auth: Pick<AuthConfig, 'policies' | 'hideUnauthorizedInIntrospection'>;
  /** Decides `authorizer: true` policies; without it they are denied. */
  policyEvaluator?: PolicyEvaluator | undefined;
  /** Where the caller's identity is; by default `request.principal`, anonymous when absent. */
  principalOf?: (context: GatehouseContext) => Principal;
}

/**
 * Enforces `@authenticated`, `@requiresScopes` and `@policy` before the gateway plans: fields the
 * caller may not see are removed from the operation (and so never reach a subgraph), and come back
 * as `null` with an `UNAUTHORIZED_FIELD_OR_TYPE` error each. When nothing is left, 403 `FORBIDDEN`.
 */
export function useAuthorization(options: AuthorizationOptions): ApolloServerPlugin<GatehouseContext> {
  const { rules, auth, policyEvaluator } = options;
  const rulesFor = typeof rules === 'function' ? rules : () => rules;
  const principalOf = options.principalOf ?? ((context) => context.request.principal ?? ANONYMOUS);
  return {
    async requestDidStart() {
      let removed: readonly RemovedField[] = [];
      let introspection: Record<string, unknown> | undefined;
      let nothingToRun = false;
      return {
        async didResolveOperation(requestContext) {
          const { schema, document, operation, request, contextValue } = requestContext;
          if (!operation) return; // useOperationResolution answers that one
          const rules = rulesFor(schema);
          if (!rules)
            throw gatehouseError('INTERNAL_SERVER_ERROR', 'No authorization rules for this schema.');
          if (!hasRules(rules)) return;
          const requirements = requirementIndex(schema, rules);
          const decide = createDecider({
            principal: principalOf(contextValue),
            policies: auth.policies,
            evaluator: policyEvaluator,
            context: contextValue,
          });
          const variables = request.variables;
          const result = await filterOperation({
            schema,
            requirements,
            document,
            operationName: request.operationName,
            variables,
            decide,
          });
          if (auth.hideUnauthorizedInIntrospection) {
            introspection = await visibleIntrospection(requirements, decide, document, operation, variables);
          }
          if (result.nothingLeft) {
            if (result.removed.length > 0) {
              throw gatehouseError('FORBIDDEN', 'Not authorized to query any of the requested fields.', {
                http: { status: 403 },
              });
            }
            // Everything left out was also skipped by @skip/@include: an empty answer, as GraphQL gives.
            nothingToRun = true;
            return;
          }
          if (result.document === document) return;
          removed = result.removed;
          replaceDocument(requestContext, result.document);
        },

        async responseForOperation() {
          if (!nothingToRun) return null;
          return { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: {} } } };
        },

        async willSendResponse({ response }) {
          // The gateway does not deliver incrementally (@defer), so every response is single.
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (introspection && result.data) {
            for (const [key, value] of Object.entries(introspection))
              if (key in result.data) result.data[key] = value;
          }
          if (removed.length === 0) return;
          const data = applyRemovals(result.data, removed);
          if (data !== undefined) result.data = data;
          result.errors = [...unauthorizedErrors(removed), ...(result.errors ?? [])];
        },
      };
    },
  };
}

/**
 * Points the rest of the request at the filtered operation. Apollo Server hands the gateway
 * executor `requestContext.document` and `queryHash` as they are after didResolveOperation; the
 * gateway plans that document and caches the plan under that hash, so the hash must tell apart
 * every filtered variant of the same query text.
 */
function replaceDocument(
  requestContext: GraphQLRequestContextDidResolveOperation<GatehouseContext>,
  document: DocumentNode,
): void {
  // These fields are typed readonly for plugins, but the pipeline reads them back from this object.
  const writable = requestContext as {
    document: DocumentNode;
    operation: OperationDefinitionNode | undefined;
    queryHash: string;
  };
  writable.queryHash = createHash('sha256')
    .update(requestContext.queryHash)
    .update('\0authorized\0')
    .update(print(document))
    .digest('hex');
  writable.operation = getOperationAST(document, requestContext.request.operationName) ?? undefined;
  writable.document = document;
}

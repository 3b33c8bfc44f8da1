import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import type { SecurityConfig } from '../config/security-schema.js';
import { gatehouseError } from '../errors.js';
import { introspectionFields } from '../gateway/authorization/introspection.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { GatehouseContext } from '../request-context.js';

export const INTROSPECTION_ACCESS_PLUGIN = 'introspection-access';

export interface IntrospectionAccessOptions {
  /** Whether any admin token is configured (`registry.tokens`): without one, none can be sent. */
  adminTokens: boolean;
}

/**
 * Where `introspection` is off, decides per caller who may still introspect: a principal with one of
 * `security.introspection.scopes`, or a request with a valid admin token (`allowAdminToken`). Anyone
 * else selecting `__schema` or `__type` (`__typename` is not introspection) is refused with
 * INTROSPECTION_DISABLED (403) before planning, so no subgraph is called.
 *
 * With this plugin installed, Apollo Server's own switch is on (graphql-runtime.ts) and the decision
 * is here. It is made in `didResolveOperation`, which runs on every request: Apollo's document store
 * skips validation for a document it has already validated, so a validation rule would be asked once
 * per document, not once per caller. What an operation selects is remembered per operation node (the
 * store hands out the same node on every hit), so the check is a map look-up after the first time.
 * Where the caller may introspect, the authorization plugin still answers with the schema as the
 * caller may see it (`auth.hideUnauthorizedInIntrospection`).
 */
export function useIntrospectionAccess(
  access: SecurityConfig['introspection'],
  { adminTokens }: IntrospectionAccessOptions,
): GatewayPlugin {
  const scopes = access.scopes;
  const byAdminToken = access.allowAdminToken && adminTokens;
  const message = refusal(scopes, byAdminToken);
  const introspects = new WeakMap<OperationDefinitionNode, boolean>();
  const mayIntrospect = ({ request }: GatehouseContext): boolean => {
    if (byAdminToken && request.admin === true) return true;
    const principal = request.principal;
    return principal?.kind === 'authenticated' && scopes.some((scope) => principal.scopes.has(scope));
  };
  const operation: ApolloServerPlugin<GatehouseContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation: node, contextValue }) {
          if (node === undefined) return;
          let selects = introspects.get(node);
          if (selects === undefined) {
            selects = introspectionFields(document, node).length > 0;
            introspects.set(node, selects);
          }
          if (!selects || mayIntrospect(contextValue)) return;
          throw gatehouseError('INTROSPECTION_DISABLED', message, { http: { status: 403 } });
        },
      };
    },
  };
  return { name: INTROSPECTION_ACCESS_PLUGIN, operation };
}

/** Says who may introspect, so that an operator reading the error knows what to configure. */
function refusal(scopes: readonly string[], byAdminToken: boolean): string {
  const who = [
    ...(scopes.length > 0 ? [`a principal with scope ${scopes.join(' or ')}`] : []),
    ...(byAdminToken ? ['a request with an admin token'] : []),
  ];
  const allowed = who.length > 0 ? `; only ${who.join(' or ')} may introspect` : '';
  return `Introspection is off on this gateway (introspection: false)${allowed}.`;
}

/** True when introspection access is decided by this plugin (it is installed where introspection is off). */
export function introspectionDecidedPerCaller(plugins: readonly GatewayPlugin[]): boolean {
  return plugins.some((plugin) => plugin.name === INTROSPECTION_ACCESS_PLUGIN);
}

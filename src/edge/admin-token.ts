import type { GatewayPlugin } from '../pipeline/plugin.js';
import { createTokenCheck, type RegistryToken } from '../registry/http-auth.js';

/**
 * An admin token (`registry.tokens`) sent to /graphql lets the gateway's operators do what clients
 * may not: see query plans and costs, run operations outside the trusted documents, introspect
 * where introspection is off. Its own header, as `authorization` belongs to the client's identity
 * (JWT, API key).
 */
export const ADMIN_TOKEN_HEADER = 'gatehouse-admin-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** True when the request carried a valid admin token in `gatehouse-admin-token`. */
    admin?: boolean;
  }
}

/**
 * Checks the admin token of each /graphql request once, marks the request `admin`, and always drops
 * the header, so it never reaches a subgraph, a log or another plugin. Installed when there are
 * admin tokens; without them no request is an admin one.
 */
export function useAdminToken(tokens: readonly RegistryToken[]): GatewayPlugin {
  const checkToken = createTokenCheck(tokens);
  return {
    name: 'admin-token',
    edge: {
      onRequest(request, _reply, done) {
        if (request.routeOptions.url !== '/graphql') return done();
        // The raw headers are what Apollo Server is handed (graphql-handler.ts).
        const headers = request.raw.headers;
        const token = headers[ADMIN_TOKEN_HEADER];
        if (token === undefined) return done();
        delete headers[ADMIN_TOKEN_HEADER];
        if (typeof token === 'string')
          request.admin = checkToken(/^bearer\s/i.test(token) ? token : `Bearer ${token}`).ok;
        done();
      },
    },
  };
}

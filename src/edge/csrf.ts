import type { FastifyRequest } from 'fastify';
import type { GatewayPlugin } from '../pipeline/plugin.js';
import { sendError } from './reply.js';

// Browsers send these content types cross-origin without a preflight, so a page on another site
// could make a victim's browser run an operation. Apollo Server applies the same rule.
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/** True when the request could have been forged by another site's page. */
export function isPossibleCsrf(request: FastifyRequest): boolean {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined) {
    const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (!SIMPLE_CONTENT_TYPES.includes(mediaType)) return false;
  }
  return !PREFLIGHT_HEADERS.some((name) => {
    const value = request.headers[name];
    return typeof value === 'string' && value !== '';
  });
}

/**
 * Refuses possible CSRF on /graphql with `CSRF_PREVENTED`, before identity or anything else runs:
 * a forged request never reaches the authorizer. Apollo Server's own check is off (it would answer
 * in its words); this applies the same rule.
 */
export function useCsrfPrevention(): GatewayPlugin {
  return {
    name: 'csrf-prevention',
    edge: {
      afterBody(request, reply, done) {
        const graphql =
          request.routeOptions.url === '/graphql' && (request.method === 'GET' || request.method === 'POST');
        if (graphql && isPossibleCsrf(request)) {
          sendError(reply, 'CSRF_PREVENTED');
          return;
        }
        done();
      },
    },
  };
}

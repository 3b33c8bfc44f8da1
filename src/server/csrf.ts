import type { FastifyRequest } from 'fastify';

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

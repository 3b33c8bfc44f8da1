import type { FastifyRequest } from 'fastify';
import type { GatewayPlugin } from '../pipeline/plugin.js';

/**
 * One JSON access-log line per request, after the response is sent: method, path (without the
 * query string, which may carry variables), status, duration and the GraphQL operation name.
 */
export function useAccessLog(): GatewayPlugin {
  return {
    name: 'access-log',
    edge: {
      // A callback rather than a promise: it runs on every request.
      onResponse(request, reply, done) {
        const query = request.url.indexOf('?');
        request.log.info(
          {
            method: request.method,
            path: query < 0 ? request.url : request.url.slice(0, query),
            status: reply.statusCode,
            durationMs: Math.round(reply.elapsedTime * 100) / 100,
            operationName: request.operationName ?? requestedOperationName(request),
          },
          'request',
        );
        done();
      },
    },
  };
}

/** The name the client asked for, when the request never reached GraphQL (a refusal at the edge). */
function requestedOperationName(request: FastifyRequest): string | undefined {
  const params = (request.method === 'GET' ? request.query : request.body) as
    Record<string, unknown> | undefined;
  const name = params?.operationName;
  return typeof name === 'string' ? name : undefined;
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { onRequestHookHandler } from 'fastify';

/** A request id a client or proxy may choose: a short token, safe in a header and a log line. */
const SANE_REQUEST_ID = /^[\w.:=+/@-]{1,128}$/;

/**
 * The request's id, as every log line of the request carries it: the `x-request-id` a client or
 * load balancer sent, when it is a sane token (up to 128 letters, digits and `_.:=+/@-`), else a
 * new UUID. Fastify's own default is a per-process counter, which repeats across workers and
 * restarts.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Sends the request id back in `x-request-id`, so a client can quote it. */
export const echoRequestId: onRequestHookHandler = (request, reply, done) => {
  reply.header('x-request-id', request.id);
  done();
};

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SecurityConfig } from '../config/security-schema.js';
import { errorBody } from '../errors.js';
import { sendError } from '../edge/reply.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';

/**
 * Batched requests (a JSON array of operations in one POST): refused with BATCHING_DISABLED unless
 * `security.batching.enabled`, and with BATCH_TOO_LARGE above `maxSize`, after the body is read
 * (bounded by `server.bodyLimitBytes`) and before identity or any operation work. Apollo Server's
 * own `allowBatchedHttpRequests` follows the same switch (graphql-runtime.ts), so a batch this
 * plugin lets through is one Apollo runs, each operation through every operation hook.
 */
export function useRequestLimits(batching: SecurityConfig['batching']): GatewayPlugin {
  return {
    name: 'request-limits',
    edge: {
      afterBody(request, reply, done) {
        const body: unknown = request.body;
        if (!Array.isArray(body) || request.routeOptions.url !== '/graphql') return done();
        if (!batching.enabled) {
          sendError(
            reply,
            'BATCHING_DISABLED',
            `Batched requests are not enabled (security.batching.enabled is false); this one has ${body.length} operations.`,
          );
          return;
        }
        if (body.length > batching.maxSize) {
          sendError(
            reply,
            'BATCH_TOO_LARGE',
            `The batch has ${body.length} operations; the limit (security.batching.maxSize) is ${batching.maxSize}.`,
          );
          return;
        }
        done();
      },
    },
  };
}

/**
 * Answers what Node refuses before Fastify sees a request. A request head larger than
 * `security.maxHeaderBytes` (Node's `maxHeaderSize`) gets 431 with the gateway's GraphQL-shaped
 * body; a timeout and a malformed request get what Fastify's default handler sends.
 */
export function clientErrorHandler(maxHeaderBytes: number) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    let status: number;
    let body: string;
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      body = JSON.stringify(
        errorBody(
          'REQUEST_HEADER_FIELDS_TOO_LARGE',
          `The request line and headers are larger than ${maxHeaderBytes} bytes (security.maxHeaderBytes).`,
        ),
      );
    } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      body = '{"error":"Request Timeout","message":"Client Timeout","statusCode":408}';
    } else {
      status = 400;
      body = '{"error":"Bad Request","message":"Client Error","statusCode":400}';
    }
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

/** A refused body up to this size is read and dropped, so that its sender gets the answer. */
const MAX_DRAINED_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Fastify answers a body over `server.bodyLimitBytes` with 413 before reading it, and closes the
 * connection: with the rest of the body unread, the kernel then resets it, and a client still
 * sending (any client sending a large body) gets ECONNRESET or EPIPE instead of the 413. Up to
 * {@link MAX_DRAINED_BODY_BYTES} declared, the connection is kept: Node reads and drops the rest of
 * the body (within `server.requestTimeoutMs`) and the client reads the answer. A larger declared body
 * is still cut off.
 */
export function drainRefusedBody(request: FastifyRequest, reply: FastifyReply): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared <= MAX_DRAINED_BODY_BYTES) reply.removeHeader('connection');
}

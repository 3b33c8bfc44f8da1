import type { FastifyReply } from 'fastify';
import { errorBody, httpStatusOf, type ErrorCode } from '../errors.js';
import { noteErrorCode } from '../request-context.js';

/** Answers with a catalogued error: its status and a GraphQL-shaped body. Ends the request. */
export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  noteErrorCode(reply.request, code);
  return reply.code(httpStatusOf(code)).type('application/json').send(errorBody(code, message));
}

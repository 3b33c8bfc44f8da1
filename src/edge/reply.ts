import type { FastifyReply } from 'fastify';
import { errorBody, httpStatusOf, type ErrorCode } from '../errors.js';

/** Answers with a catalogued error: its status and a GraphQL-shaped body. Ends the request. */
export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(httpStatusOf(code)).type('application/json').send(errorBody(code, message));
}

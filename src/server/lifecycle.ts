import type { GraphQLRuntime } from '../gateway/graphql-runtime.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type GraphQLHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Where the gateway is in its life; /ready and /graphql answer from it. */
export type ServerState =
  | { phase: 'starting' }
  | { phase: 'serving'; runtime: GraphQLRuntime; handle: GraphQLHandler }
  | { phase: 'failed'; reason: string }
  | { phase: 'draining' }
  | { phase: 'stopped' };

export function assertNever(value: never): never {
  throw new Error(`Unhandled state: ${JSON.stringify(value)}`);
}

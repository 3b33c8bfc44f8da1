import type { FastifyRequest } from 'fastify';

/** The per-request context every plugin and data source sees. */
export interface GatehouseContext {
  request: FastifyRequest;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The resolved GraphQL operation name, for the access log. */
    operationName?: string | null;
  }
}

import { createGraphiQLFetcher } from '@graphiql/toolkit';
import type { Fetcher } from '@graphiql/toolkit';

/**
 * The sandbox is served under `/sandbox/`, so a relative `graphql` would resolve to `/sandbox/graphql`:
 * always post to the gateway's `/graphql` on the same origin.
 */
export function graphqlEndpoint(): string {
  return new URL('/graphql', location.origin).toString();
}

export function createSandboxFetcher(): Fetcher {
  return createGraphiQLFetcher({ url: graphqlEndpoint() });
}

import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { accountsSubgraph } from '../../subgraphs/accounts/index.js';
import { composeSupergraph } from '../../src/supergraph/compose.js';

/** A query that both versions answer, and its exact response body. */
export const STEADY_QUERY = '{ me { id name } }';
/** A query only the `extra` version answers. */
export const EXTRA_QUERY = '{ me { email } }';

/**
 * Two supergraphs over the example accounts subgraph running at `url`: `base` without
 * `User.email`, `extra` with it (the subgraph resolves it either way). Swapping between them adds
 * and removes a field, as publishing a version and rolling it back would.
 */
export function accountsSupergraph(url: string, variant: 'base' | 'extra'): string {
  const full = printSubgraphSchema(buildSubgraphSchema(accountsSubgraph));
  const sdl = variant === 'extra' ? full : full.replace(/^\s*email: String!\n/m, '');
  if (variant === 'base' && sdl === full)
    throw new Error('the accounts subgraph has no `email: String!` line');
  return composeSupergraph([{ name: 'accounts', url, sdl, origin: `accounts (${variant})` }]);
}

/** Text that is not a supergraph: valid GraphQL, but no federation metadata. */
export const NOT_A_SUPERGRAPH = 'type Query { hello: String }\n';

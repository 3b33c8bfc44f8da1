import type { GraphQLSchema } from 'graphql';
import type { AuthorizationRules } from './requirements.js';
import { prepareSupergraph } from './supergraph-metadata.js';

/** How many recently prepared supergraphs are remembered (reloads in quick succession). */
const MAX_PENDING = 8;

/**
 * Keeps each supergraph's rules with the API schema the gateway builds from it, so a request is
 * always checked against the rules of the very schema it was validated with, across hot reloads.
 *
 * 1. `prepare(sdl)` before handing a supergraph to the gateway (initialize and every update);
 * 2. `bind(...)` from `gateway.onSchemaLoadOrUpdate`;
 * 3. `rulesFor(requestContext.schema)` in the plugin (`useAuthorization({ rules: (schema) => … })`).
 */
export class SupergraphRules {
  private readonly pending = new Map<string, AuthorizationRules>();
  private readonly bound = new WeakMap<GraphQLSchema, AuthorizationRules>();

  /** Returns the SDL to give the gateway, and remembers its rules until the gateway loads it. */
  prepare(sdl: string): string {
    const { servableSdl, rules } = prepareSupergraph(sdl);
    this.pending.delete(servableSdl);
    this.pending.set(servableSdl, rules);
    while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    return servableSdl;
  }

  bind({ apiSchema, coreSupergraphSdl }: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }): void {
    // A supergraph that did not come through prepare() has no rules the gateway could have loaded.
    const rules = this.pending.get(coreSupergraphSdl) ?? prepareSupergraph(coreSupergraphSdl).rules;
    this.bound.set(apiSchema, rules);
  }

  /** `undefined` for a schema never bound: the plugin then refuses to run anything. */
  rulesFor(schema: GraphQLSchema): AuthorizationRules | undefined {
    return this.bound.get(schema);
  }
}

import { Supergraph } from '@apollo/federation-internals';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/errors.js';
import { prepareSupergraph } from '../../../src/gateway/authorization/index.js';
import { composeSupergraph } from '../../../src/supergraph/compose.js';
import { SECURED_HEAD } from './fixtures.js';

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6",
  import: ["@key", "@authenticated", "@requiresScopes", "@policy"])`;

const composed = composeSupergraph([
  {
    name: 'accounts',
    url: 'http://accounts.invalid/graphql',
    origin: 'accounts.graphql',
    sdl: `${FEDERATION}
      type Query { me: User @authenticated  users: [User!]! @requiresScopes(scopes: [["read:users"], ["admin"]]) }
      type User @key(fields: "id") { id: ID! name: String secret: Secret @policy(policies: [["owner"]]) }
      scalar Secret @authenticated
      enum Level @requiresScopes(scopes: [["level"]]) { LOW HIGH }
      interface Node { id: ID! }
      type Admin implements Node @authenticated { id: ID! role: Level }`,
  },
  {
    name: 'reviews',
    url: 'http://reviews.invalid/graphql',
    origin: 'reviews.graphql',
    sdl: `${FEDERATION}
      type User @key(fields: "id") { id: ID! reviews: [String] @policy(policies: [["p1", "p2"], ["p3"]]) }`,
  },
]);

describe('preparing a supergraph', () => {
  it('yields a supergraph the stock loader refuses with its security links, and accepts without', () => {
    expect(() => Supergraph.build(composed)).toThrow(/for: SECURITY but is unsupported/);
    const { servableSdl } = prepareSupergraph(composed);
    expect(() => Supergraph.build(servableSdl)).not.toThrow();
    expect(servableSdl).not.toMatch(/authenticated|requiresScopes|@policy|policy__Policy/);
    expect(servableSdl).toContain('@join__field');
  });

  it('reads the requirements of types and fields', () => {
    const { rules } = prepareSupergraph(composed);
    const none = { authenticated: false, scopes: [], policies: [] };
    expect(rules.fields['Query']).toEqual({
      me: { ...none, authenticated: true },
      users: { ...none, scopes: [[['read:users'], ['admin']]] },
    });
    expect(rules.fields['User']).toEqual({
      secret: { ...none, policies: [[['owner']]] },
      reviews: { ...none, policies: [[['p1', 'p2'], ['p3']]] },
    });
    expect(rules.types).toMatchObject({
      Secret: { ...none, authenticated: true },
      Level: { ...none, scopes: [[['level']]] },
      Admin: { ...none, authenticated: true },
    });
    // Composition lifts an implementation's requirement onto its interface.
    expect(rules.types['Node']).toEqual({ ...none, authenticated: true });
  });

  it('returns a supergraph without authorization as it came', () => {
    const plain = composeSupergraph([
      { name: 'a', url: 'http://a.invalid', origin: 'a', sdl: 'type Query { hello: String }' },
    ]);
    expect(prepareSupergraph(plain)).toEqual({ servableSdl: plain, rules: { types: {}, fields: {} } });
  });

  it('follows the names the links give the directives: `as` and renaming imports', () => {
    const sdl = `
      schema
        @link(url: "https://specs.apollo.dev/link/v1.0")
        @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "auth", for: SECURITY)
        @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", import: [{ name: "@requiresScopes", as: "@scopes" }, "Scope"], for: SECURITY)
      { query: Query }
      directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
      directive @auth on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
      directive @scopes(scopes: [[Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
      directive @authenticated on FIELD_DEFINITION
      scalar link__Import
      scalar Scope
      enum link__Purpose { SECURITY EXECUTION }
      type Query { a: String @auth  b: String @scopes(scopes: "one")  c: String @authenticated }`;
    const { servableSdl, rules } = prepareSupergraph(sdl);
    expect(rules.fields['Query']).toEqual({
      a: { authenticated: true, scopes: [], policies: [] },
      // A single value is coerced as GraphQL does: a list of one list of one.
      b: { authenticated: false, scopes: [[['one']]], policies: [] },
    });
    // @authenticated is not the name of anything linked here: it stays, as do its uses.
    expect(servableSdl).toContain('c: String @authenticated');
    expect(servableSdl).not.toMatch(/@auth\b|@scopes|scalar Scope/);
    expect(() => buildSchema(servableSdl)).not.toThrow();
  });

  it('refuses a version of a spec it cannot enforce', () => {
    const sdl = SECURED_HEAD.replace('authenticated/v0.1', 'authenticated/v0.2') + 'type Query { a: String }';
    expect(() => prepareSupergraph(sdl)).toThrow(UserFacingError);
    expect(() => prepareSupergraph(sdl)).toThrow(/authenticated\/v0\.2/);
  });

  it('refuses a malformed requirement', () => {
    const sdl = SECURED_HEAD + 'type Query { a: String @requiresScopes(scopes: [[1]]) }';
    expect(() => prepareSupergraph(sdl)).toThrow(/@requiresScopes on Query\.a needs `scopes`/);
  });
});

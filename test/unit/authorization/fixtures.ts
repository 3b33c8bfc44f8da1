import { buildSchema, parse, print, type GraphQLSchema } from 'graphql';
import type { AuthenticatedPrincipal, Principal } from '../../../src/auth/principal.js';
import type { GatehouseContext } from '../../../src/request-context.js';
import {
  createDecider,
  filterOperation,
  prepareSupergraph,
  requirementIndex,
  responsePath,
  type AuthorizationRules,
  type FilterResult,
  type PolicyEvaluator,
} from '../../../src/gateway/authorization/index.js';

/** The head of a supergraph that links the three authorization specs under their own names. */
export const SECURED_HEAD = `
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)
{ query: Query mutation: Mutation }
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
scalar requiresScopes__Scope
scalar policy__Policy
`;

/**
 * A graph with every case of the matrix. The interface field `Account.balance` carries no rule of
 * its own on purpose: only `Business.balance` does (composition would copy it up; a hand-written
 * or older supergraph may not).
 */
export const MATRIX_SDL = `${SECURED_HEAD}
type Query {
  me: User @authenticated
  user(id: ID!): User
  users: [User!]!
  accounts: [Account!]!
  search: [SearchResult!]!
  internal: Internal
  level: Level
  publicInfo: String
  secretNumber: Int! @requiresScopes(scopes: [["admin"]])
}
type Mutation @authenticated { ping: String }
type User {
  id: ID!
  name: String
  email: String @requiresScopes(scopes: [["read:email"], ["admin", "read:pii"]])
  ssn: String! @policy(policies: [["support"]])
  friends: [User!]
}
interface Account { id: ID! balance: Int vat: String }
type Personal implements Account { id: ID! balance: Int vat: String }
type Business implements Account {
  id: ID!
  balance: Int @requiresScopes(scopes: [["finance"]])
  vat: String
}
union SearchResult = User | AuditLog
type AuditLog @requiresScopes(scopes: [["audit"]]) { id: ID! action: String }
type Internal @authenticated { note: String }
enum Level @requiresScopes(scopes: [["level"]]) { LOW HIGH }
`;

export interface Graph {
  schema: GraphQLSchema;
  rules: AuthorizationRules;
}

export function graphOf(sdl: string): Graph {
  const { servableSdl, rules } = prepareSupergraph(sdl);
  return { schema: buildSchema(servableSdl), rules };
}

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function user(
  options: { scopes?: string[]; claims?: Record<string, unknown>; subject?: string } = {},
): AuthenticatedPrincipal {
  return {
    kind: 'authenticated',
    source: 'jwt',
    subject: options.subject ?? 'u1',
    scopes: new Set(options.scopes ?? []),
    roles: new Set(),
    claims: options.claims ?? {},
    credential: `test:${options.subject ?? 'u1'}`,
  };
}

export const POLICIES = {
  support: { claims: { role: ['support', 'admin'] } },
  billing: { authorizer: true },
  staff: { scopes: ['staff'], claims: { tenant: 'acme' } },
};

export interface Filtered extends FilterResult {
  /** The filtered operation, printed. */
  printed: string;
  /** Removed response paths, dot-joined. */
  paths: string[];
}

export async function filter(
  graph: Graph,
  query: string,
  principal: Principal,
  options: { variables?: Record<string, unknown>; evaluator?: PolicyEvaluator } = {},
): Promise<Filtered> {
  const decide = createDecider({
    principal,
    policies: POLICIES,
    evaluator: options.evaluator,
    context: {} as GatehouseContext,
  });
  const document = parse(query);
  const result = await filterOperation({
    schema: graph.schema,
    requirements: requirementIndex(graph.schema, graph.rules),
    document,
    variables: options.variables,
    decide,
  });
  return {
    ...result,
    printed: normalise(print(result.document)),
    paths: result.removed.map((removed) => responsePath(removed).join('.')),
  };
}

/** A query printed on one line, to compare filtered operations readably. */
export function normalise(query: string): string {
  return print(parse(query)).replace(/\s+/g, ' ').trim();
}

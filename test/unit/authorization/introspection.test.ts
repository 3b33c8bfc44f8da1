import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { createDecider, requirementIndex } from '../../../src/gateway/authorization/index.js';
import { visibleIntrospection } from '../../../src/gateway/authorization/introspection.js';
import type { GatehouseContext } from '../../../src/request-context.js';
import { ANONYMOUS, MATRIX_SDL, POLICIES, graphOf, user } from './fixtures.js';

const graph = graphOf(MATRIX_SDL);

async function introspect(query: string, principal: Principal) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  const decide = createDecider({ principal, policies: POLICIES, context: {} as GatehouseContext });
  return visibleIntrospection(requirementIndex(graph.schema, graph.rules), decide, document, operation, {});
}

const fieldNames = (type: unknown) =>
  ((type as { fields: { name: string }[] } | null)?.fields ?? []).map((field) => field.name);

describe('introspection as the caller may see it', () => {
  it('leaves out the fields and types an anonymous caller may not query', async () => {
    const data = await introspect(
      `{ schema: __schema { types { name } }
         query: __type(name: "Query") { fields { name } }
         user: __type(name: "User") { fields { name } }
         account: __type(name: "Account") { fields { name } }
         internal: __type(name: "Internal") { name } }`,
      ANONYMOUS,
    );
    const types = (data?.['schema'] as { types: { name: string }[] }).types.map((type) => type.name);
    expect(types).toContain('User');
    expect(types).not.toContain('Internal');
    expect(types).not.toContain('AuditLog');
    expect(types).not.toContain('Level');
    expect(fieldNames(data?.['query'])).toEqual(['user', 'users', 'accounts', 'search', 'publicInfo']);
    expect(fieldNames(data?.['user'])).toEqual(['id', 'name', 'friends']);
    expect(fieldNames(data?.['account'])).toEqual(['id', 'vat']);
    expect(data?.['internal']).toBeNull();
  });

  it('shows what the caller may query', async () => {
    const data = await introspect(
      '{ __type(name: "User") { fields { name } } search: __type(name: "SearchResult") { possibleTypes { name } } }',
      user({ scopes: ['read:email', 'audit'], claims: { role: 'support' } }),
    );
    expect(fieldNames(data?.['__type'])).toEqual(['id', 'name', 'email', 'ssn', 'friends']);
    expect(data?.['search']).toEqual({ possibleTypes: [{ name: 'User' }, { name: 'AuditLog' }] });
  });

  it('answers only for operations that introspect', async () => {
    expect(await introspect('{ publicInfo }', ANONYMOUS)).toBeUndefined();
  });
});

import { GraphQLError, parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import type { GatehouseContext } from '../../../src/request-context.js';
import {
  createDecider,
  filterOperation,
  requirementIndex,
  type PolicyEvaluator,
} from '../../../src/gateway/authorization/index.js';
import { ANONYMOUS, MATRIX_SDL, filter, graphOf, normalise, user } from './fixtures.js';

const graph = graphOf(MATRIX_SDL);

describe('filtering an operation', () => {
  it('leaves an operation the caller may fully see untouched, the very same document', async () => {
    const document = parse('{ me { name email } users { id } }');
    const result = await filterOperation({
      schema: graph.schema,
      requirements: requirementIndex(graph.schema, graph.rules),
      document,
      decide: createDecider({
        principal: user({ scopes: ['read:email'] }),
        policies: {},
        context: {} as GatehouseContext,
      }),
    });
    expect(result).toEqual({ document, removed: [], nothingLeft: false });
    expect(result.document).toBe(document);
  });

  it('removes an @authenticated field for an anonymous caller and reports its path', async () => {
    const result = await filter(graph, '{ me { name } publicInfo }', ANONYMOUS);
    expect(result.printed).toBe(normalise('{ publicInfo }'));
    expect(result.paths).toEqual(['me']);
    expect(result.nothingLeft).toBe(false);
  });

  it('reports removed fields by response key, with @ for list items', async () => {
    const result = await filter(graph, '{ people: users { name mail: email } }', user());
    expect(result.printed).toBe(normalise('{ people: users { name } }'));
    expect(result.paths).toEqual(['people.@.mail']);
  });

  it.each([
    { scopes: [], allowed: false },
    { scopes: ['read:email'], allowed: true },
    { scopes: ['admin'], allowed: false },
    { scopes: ['read:pii'], allowed: false },
    { scopes: ['admin', 'read:pii'], allowed: true },
  ])('treats scopes as OR of ANDs: $scopes → $allowed', async ({ scopes, allowed }) => {
    const result = await filter(graph, '{ users { id email } }', user({ scopes }));
    expect(result.paths).toEqual(allowed ? [] : ['users.@.email']);
  });

  it('applies a type-level directive to every field returning the type (objects, enums)', async () => {
    const anonymous = await filter(graph, '{ internal { note } level publicInfo }', ANONYMOUS);
    expect(anonymous.printed).toBe(normalise('{ publicInfo }'));
    expect(anonymous.paths).toEqual(['internal', 'level']);
    const member = await filter(graph, '{ internal { note } level publicInfo }', user({ scopes: ['level'] }));
    expect(member.paths).toEqual([]);
  });

  it('removes every root field when the root type itself is secured: nothing is left', async () => {
    const result = await filter(graph, 'mutation { ping }', ANONYMOUS);
    expect(result.nothingLeft).toBe(true);
    expect(result.paths).toEqual(['ping']);
  });

  it('says nothing is left when every requested field was removed', async () => {
    const result = await filter(graph, '{ me { name } secretNumber }', ANONYMOUS);
    expect(result.nothingLeft).toBe(true);
    expect(result.paths).toEqual(['me', 'secretNumber']);
  });

  it('removes a field whose selection became empty, reporting the field itself', async () => {
    const result = await filter(graph, '{ publicInfo users { email } }', user());
    expect(result.printed).toBe(normalise('{ publicInfo }'));
    expect(result.paths).toEqual(['users']);
  });

  it('always keeps __typename', async () => {
    const result = await filter(graph, '{ users { __typename email } }', user());
    expect(result.printed).toBe(normalise('{ users { __typename } }'));
    expect(result.paths).toEqual(['users.@.email']);
  });

  describe('interfaces', () => {
    it('requires, for a field selected on the interface, the rule of every implementation', async () => {
      const result = await filter(graph, '{ accounts { id balance } }', user());
      expect(result.printed).toBe(normalise('{ accounts { id } }'));
      expect(result.paths).toEqual(['accounts.@.balance']);
      const finance = await filter(graph, '{ accounts { id balance } }', user({ scopes: ['finance'] }));
      expect(finance.paths).toEqual([]);
    });

    it('removes a field in a fragment on one implementation only for that type, marking its objects', async () => {
      const result = await filter(graph, '{ accounts { id ... on Business { balance vat } } }', user());
      expect(result.printed).toBe(
        normalise(
          '{ accounts { id ... on Business { vat } ... on Business { gatehouseAuthorization0: __typename } } }',
        ),
      );
      expect(result.paths).toEqual(['accounts.@.balance']);
      expect(result.removed[0]?.path).toContainEqual({
        kind: 'type',
        typeName: 'Business',
        marker: 'gatehouseAuthorization0',
      });
    });

    it('picks a marker alias the operation does not use', async () => {
      const result = await filter(
        graph,
        '{ accounts { gatehouseAuthorization0: id ... on Business { balance } } }',
        user(),
      );
      expect(result.printed).toContain('gatehouseAuthorization1: __typename');
    });
  });

  describe('unions', () => {
    it('empties a fragment on a member type the caller may not see, keeping __typename', async () => {
      const query = '{ search { __typename ... on User { name } ... on AuditLog { id action } } }';
      const result = await filter(graph, query, user());
      expect(result.printed).toBe(
        normalise(
          '{ search { __typename ... on User { name } ... on AuditLog { gatehouseAuthorization0: __typename } } }',
        ),
      );
      expect(result.paths).toEqual(['search.@.id', 'search.@.action']);
      const auditor = await filter(graph, query, user({ scopes: ['audit'] }));
      expect(auditor.paths).toEqual([]);
    });

    it('inlines what is left of a named fragment on a type the caller may not see', async () => {
      const query = '{ search { ...Log } } fragment Log on AuditLog { __typename id }';
      const result = await filter(graph, query, user());
      expect(result.printed).toBe(
        normalise(
          '{ search { ... on AuditLog { __typename } ... on AuditLog { gatehouseAuthorization0: __typename } } }',
        ),
      );
      expect(result.paths).toEqual(['search.@.id']);
    });
  });

  describe('named fragments', () => {
    it('filters a fragment once and reports its removals at every place it is spread', async () => {
      const query = '{ me { ...Person } users { ...Person } } fragment Person on User { name email }';
      const result = await filter(graph, query, user());
      expect(result.printed).toBe(
        normalise('{ me { ...Person } users { ...Person } } fragment Person on User { name }'),
      );
      expect(result.paths).toEqual(['me.email', 'users.@.email']);
    });

    it('drops a spread whose fragment became empty, and the fragment with it', async () => {
      const query = '{ users { id ...Contact } } fragment Contact on User { email }';
      const result = await filter(graph, query, user());
      expect(result.printed).toBe(normalise('{ users { id } }'));
      expect(result.paths).toEqual(['users.@.email']);
    });

    it('follows fragments nested in fragments', async () => {
      const query = `{ users { ...Outer } }
        fragment Outer on User { id friends { ...Inner } }
        fragment Inner on User { name ssn }`;
      const result = await filter(graph, query, user());
      expect(result.printed).toBe(
        normalise(`{ users { ...Outer } }
          fragment Outer on User { id friends { ...Inner } }
          fragment Inner on User { name }`),
      );
      expect(result.paths).toEqual(['users.@.friends.@.ssn']);
    });
  });

  it('removes what @skip/@include leave out without reporting it', async () => {
    const query = 'query ($me: Boolean!) { publicInfo me @include(if: $me) { name } }';
    const skipped = await filter(graph, query, ANONYMOUS, { variables: { me: false } });
    expect(skipped.printed).toBe(normalise('query ($me: Boolean!) { publicInfo }'));
    expect(skipped.paths).toEqual([]);
    const included = await filter(graph, query, ANONYMOUS, { variables: { me: true } });
    expect(included.printed).toBe(skipped.printed);
    expect(included.paths).toEqual(['me']);
  });

  describe('policies', () => {
    it('grants a claims policy to a caller whose claim matches one of the values', async () => {
      const query = '{ users { id ssn } }';
      expect((await filter(graph, query, user({ claims: { role: 'support' } }))).paths).toEqual([]);
      expect((await filter(graph, query, user({ claims: { role: ['viewer', 'admin'] } }))).paths).toEqual([]);
      expect((await filter(graph, query, user({ claims: { role: 'viewer' } }))).paths).toEqual([
        'users.@.ssn',
      ]);
      expect((await filter(graph, query, ANONYMOUS)).paths).toEqual(['users.@.ssn']);
    });

    it('denies a policy that is not configured', async () => {
      const unknown = graphOf(
        MATRIX_SDL.replace('@policy(policies: [["support"]])', '@policy(policies: [["nobody"]])'),
      );
      const result = await filter(unknown, '{ users { id ssn } }', user({ claims: { role: 'admin' } }));
      expect(result.paths).toEqual(['users.@.ssn']);
    });

    it('fails the request with the error the authorizer evaluator throws', async () => {
      const billing = graphOf(MATRIX_SDL.replace('[["support"]]', '[["billing"]]'));
      const unavailable = new GraphQLError('authorizer down', {
        extensions: { code: 'AUTHORIZER_UNAVAILABLE' },
      });
      const evaluator = vi.fn<PolicyEvaluator>(async () => {
        throw unavailable;
      });
      await expect(filter(billing, '{ users { ssn } }', user(), { evaluator })).rejects.toBe(unavailable);
    });

    it('asks the authorizer once per request, with every authorizer policy the operation needs', async () => {
      const billing = graphOf(
        MATRIX_SDL.replace(
          '@policy(policies: [["support"]])',
          '@policy(policies: [["support"], ["billing"]])',
        )
          .replace('note: String }', 'note: String @policy(policies: [["billing"]]) }')
          .replace('type Internal @authenticated', 'type Internal'),
      );
      const evaluator = vi.fn<PolicyEvaluator>(async (policies, principal) =>
        Object.fromEntries(policies.map((name) => [name, principal.kind === 'authenticated'])),
      );
      const query = '{ users { ssn } internal { note } }';
      const granted = await filter(billing, query, user(), { evaluator });
      expect(granted.paths).toEqual([]);
      expect(evaluator).toHaveBeenCalledTimes(1);
      expect(evaluator.mock.calls[0]?.[0]).toEqual(['billing']);
      const denied = await filter(billing, query, ANONYMOUS, { evaluator });
      expect(denied.nothingLeft).toBe(true);
      expect(evaluator).toHaveBeenCalledTimes(2);
    });
  });
});

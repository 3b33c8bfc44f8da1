import { computeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { describe, expect, it } from 'vitest';
import { compileResponseShape } from '../../../src/execution/shape/response-shape.js';
import { shapeResponse } from '../../../src/execution/shape/shape-response.js';
import { composeFixture } from './fixture.js';

// Result shaping must give what Apollo Gateway's computeResponse gives, to the byte: each case runs
// both over the same merged data and compares data (field order included) and value-completion errors.

const fixture = composeFixture({
  a: `
    type Query {
      node(id: ID!): Node
      nodes: [Node!]!
      search: [Result]
      me: User!
      maybeMe: User
      users: [User]!
      strictUsers: [User!]
      count: Int
      ratio: Float
      flag: Boolean
      color: Color
      json: JSON
      matrix: [[Int!]]
      label: String
    }
    interface Node { id: ID! }
    type User implements Node @key(fields: "id") { id: ID! name: String! age: Int friends: [User!] best: User }
    type Post implements Node @key(fields: "id") { id: ID! title: String author: User! }
    union Result = User | Post
    enum Color { RED GREEN }
    scalar JSON
  `,
});

interface Case {
  name: string;
  query: string;
  input: Record<string, unknown>;
  variables?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'fields in query order, extra input fields left out',
    query: '{ me { name id age } count }',
    input: { count: 3, me: { id: '1', __typename: 'User', age: 30, name: 'Ada', extra: true } },
  },
  {
    name: 'a missing non-null field nulls the nearest nullable parent',
    query: '{ maybeMe { id name } count }',
    input: { count: 1, maybeMe: { id: '1' } },
  },
  {
    name: 'a missing non-null field up to the root',
    query: '{ me { id name } count }',
    input: { count: 1, me: { id: '1' } },
  },
  {
    name: 'a null element in a non-null list nulls the list',
    query: '{ strictUsers { id } users { id } }',
    input: { strictUsers: [{ id: '1' }, null], users: [{ id: '2' }, null] },
  },
  {
    name: 'a null in a non-null list of a non-null field goes further up',
    query: '{ nodes { id } label }',
    input: { nodes: [{ __typename: 'User', id: '1' }, null], label: 'x' },
  },
  {
    name: 'nested non-null errors report once',
    query: '{ maybeMe { best { name } friends { name } } }',
    input: { maybeMe: { best: { name: null }, friends: [{ name: 'x' }, { name: null }] } },
  },
  {
    name: 'invalid leaf values',
    query: '{ count ratio flag color label json maybeMe { id } }',
    input: {
      count: 1.5,
      ratio: 'x',
      flag: 1,
      color: 'BLUE',
      label: 3,
      json: { any: [1] },
      maybeMe: { id: 2.5 },
    },
  },
  {
    name: 'valid leaf values of every kind',
    query: '{ count ratio flag color label json matrix maybeMe { id } }',
    input: {
      count: -0,
      ratio: 2,
      flag: false,
      color: 'GREEN',
      label: 'l',
      json: { deep: [null] },
      matrix: [[1, 2], null, []],
      maybeMe: { id: 12 },
    },
  },
  {
    name: 'an integer too large for Int',
    query: '{ count }',
    input: { count: 1e21 },
  },
  {
    name: 'interface fields by __typename, fragments on implementations',
    query: '{ nodes { __typename id ... on User { name } ... on Post { title } } }',
    input: {
      nodes: [
        { __typename: 'User', id: '1', name: 'Ada', title: 'no' },
        { __typename: 'Post', id: '2', title: 'Hello', name: 'no' },
      ],
    },
  },
  {
    name: 'union members, a fragment on an interface, an unknown __typename',
    query: '{ search { __typename ... on Node { id } ... on Post { title } } }',
    input: {
      search: [
        { __typename: 'Post', id: 'p', title: 't' },
        { __typename: 'User', id: 'u' },
        { __typename: 'Nope', id: 'x' },
      ],
    },
  },
  {
    name: 'a __typename that names a non-composite type',
    query: '{ maybeMe { id } count }',
    input: { maybeMe: { __typename: 'String', id: '1' }, count: 2 },
  },
  {
    name: 'aliased __typename with and without the plain one',
    query: '{ t: __typename maybeMe { kind: __typename id } node(id: "1") { k: __typename } }',
    input: { maybeMe: { __typename: 'User', id: '1' }, node: { id: '1' } },
  },
  {
    name: '__typename of an abstract position without a __typename bubbles up',
    query: '{ search { __typename } }',
    input: { search: [{ id: '1' }] },
  },
  {
    name: 'repeated response keys through fragments merge, in first-seen order',
    query: `
      query Q { maybeMe { ...A id best { age } ... on User { best { name id } name } } }
      fragment A on User { name best { id } }
    `,
    input: { maybeMe: { id: '1', name: 'Ada', best: { id: '2', name: 'Bo', age: 3 } } },
  },
  {
    name: 'aliases of the same field',
    query: '{ a: maybeMe { n: name } b: maybeMe { id } }',
    input: { a: { n: 'x' }, b: { id: '1' } },
  },
  {
    name: '@skip and @include from variables and literals',
    query: `
      query Q($yes: Boolean!, $no: Boolean = false) {
        maybeMe {
          id @skip(if: $yes)
          name @include(if: $yes)
          age @include(if: $no)
          ... on User @skip(if: $no) { best { id } }
          friends @skip(if: true) { id }
          n2: name @include(if: true)
        }
      }
    `,
    input: { maybeMe: { id: '1', name: 'Ada', age: 3, best: { id: '2' }, friends: [], n2: 'Ada' } },
    variables: { yes: true },
  },
  {
    name: 'lists of lists with nulls',
    query: '{ matrix }',
    input: { matrix: [[1, null], [2]] },
  },
  {
    name: 'null data for a nullable object and missing fields read as null',
    query: '{ maybeMe { id } node(id: "x") { id } label }',
    input: { maybeMe: null },
  },
];

describe('result shaping', () => {
  it.each(cases)('matches computeResponse: $name', ({ query, input, variables }) => {
    const operation = fixture.operation(query);
    const expected = computeResponse({
      operation,
      variables: variables ?? {},
      input: structuredClone(input),
      introspectionHandling: () => {
        throw new Error('no introspection here');
      },
    });
    const shape = compileResponseShape(operation, fixture.facts);
    const conditions = shape.conditionVariables.map((name) => {
      const definition = operation.variableDefinitions.definition(name);
      const value = variables?.[name] ?? definition?.defaultValue;
      if (typeof value !== 'boolean') throw new Error(`no boolean for $${name}`);
      return value;
    });
    const actual = shapeResponse(shape, fixture.facts, structuredClone(input), conditions);
    expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data));
    expect(actual.errors.map((error) => error.toJSON())).toEqual(
      expected.errors.map((error) => error.toJSON()),
    );
  });

  it('throws where computeResponse asserts, on malformed data', () => {
    const operation = fixture.operation('{ users { id } }');
    const shape = compileResponseShape(operation, fixture.facts);
    expect(() => shapeResponse(shape, fixture.facts, { users: { id: '1' } }, [])).toThrow(/non-list/);
    const nested = compileResponseShape(fixture.operation('{ maybeMe { id } }'), fixture.facts);
    expect(() => shapeResponse(nested, fixture.facts, { maybeMe: 'Ada' }, [])).toThrow(/non-object/);
    expect(() => shapeResponse(nested, fixture.facts, { maybeMe: { __typename: 3 } }, [])).toThrow(
      /__typename/,
    );
  });

  it('records what Apollo must answer instead: introspection', () => {
    const shape = compileResponseShape(
      fixture.operation('{ __schema { queryType { name } } count }'),
      fixture.facts,
    );
    expect(shape.hasIntrospection).toBe(true);
  });
});

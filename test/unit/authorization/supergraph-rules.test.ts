import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { SupergraphRules, useAuthorization } from '../../../src/gateway/authorization/index.js';
import { composeSupergraph } from '../../../src/supergraph/compose.js';
import { loadSupergraph } from '../../../src/supergraph/load.js';
import { MATRIX_SDL, SECURED_HEAD } from './fixtures.js';

describe('keeping rules with the schema built from them', () => {
  it('binds the rules of each prepared supergraph to the API schema the gateway built from it', () => {
    const registry = new SupergraphRules();
    const first = registry.prepare(MATRIX_SDL);
    const second = registry.prepare(
      `${SECURED_HEAD} type Mutation { x: Int } type Query { only: String @authenticated }`,
    );
    const firstSchema = buildSchema(first);
    const secondSchema = buildSchema(second);
    registry.bind({ apiSchema: secondSchema, coreSupergraphSdl: second });
    registry.bind({ apiSchema: firstSchema, coreSupergraphSdl: first });
    expect(registry.rulesFor(firstSchema)?.fields['User']?.['email']).toBeDefined();
    expect(registry.rulesFor(secondSchema)?.fields).toEqual({
      Query: { only: { authenticated: true, scopes: [], policies: [] } },
    });
    expect(registry.rulesFor(buildSchema('type Query { a: Int }'))).toBeUndefined();
  });

  it('runs nothing for a schema it has no rules for', async () => {
    const plugin = useAuthorization({
      rules: () => undefined,
      auth: { policies: {}, hideUnauthorizedInIntrospection: false },
    });
    const listener = await plugin.requestDidStart?.({} as never);
    const schema = buildSchema('type Query { a: Int }');
    const requestContext = {
      schema,
      document: {},
      operation: {},
      request: {},
      contextValue: { request: {} },
    } as never;
    await expect(listener?.didResolveOperation?.(requestContext)).rejects.toMatchObject({
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});

describe('loading a supergraph file with authorization', () => {
  it('accepts it, and hands it on as it is for the runtime to prepare', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gatehouse-authz-'));
    try {
      const supergraph = composeSupergraph([
        {
          name: 'a',
          url: 'http://a.invalid/graphql',
          origin: 'a',
          sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@authenticated"])
            type Query { me: String @authenticated }`,
        },
      ]);
      const file = join(directory, 'supergraph.graphql');
      await writeFile(file, supergraph);
      const config = resolveConfig({ supergraph: file }, { env: {}, source: 'test config' });
      expect(await loadSupergraph(config)).toBe(supergraph);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

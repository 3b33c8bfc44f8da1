import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import type { Registry } from '../../../src/registry/types.js';
import { registrySafelistSources, safelistOrigin } from '../../../src/security/persisted/registry-source.js';

const config = (file: Record<string, unknown>) =>
  resolveConfig(
    { stage: 'prod', subgraphs: [{ name: 'a', url: 'http://127.0.0.1:4001/graphql' }], ...file },
    { env: {}, source: 'test config' },
  );
const embedded = {} as Registry;
const logger = { warn: () => {} };

describe('where a gateway reads the safelist it trusts', () => {
  it('reads the registry it follows, with that stage and token', () => {
    const following = resolveConfig(
      {
        stage: 'prod',
        supergraph: { registry: 'http://registry:4100', stage: 'test', token: 'secret' },
        security: { trustedDocuments: { mode: 'enforce', registry: true } },
      },
      { env: {}, source: 'test config' },
    );
    expect(safelistOrigin(following, undefined)).toEqual({
      kind: 'remote',
      url: 'http://registry:4100',
      stage: 'test',
      token: 'secret',
    });
  });

  it('reads the registry it runs, for its own stage', () => {
    expect(safelistOrigin(config({ registry: { embedded: true } }), embedded)).toEqual({
      kind: 'embedded',
      registry: embedded,
      stage: 'prod',
    });
  });

  it('refuses to start with registry: true and no registry, saying what to set', () => {
    const alone = config({ security: { trustedDocuments: { mode: 'enforce', registry: true } } });
    expect(() => registrySafelistSources(alone, { logger })).toThrow(
      /^`security\.trustedDocuments\.registry: true` trusts the operations pushed to a registry: follow one \(`supergraph: \{ registry: URL \}`\) or run one \(`registry\.embedded: true`\)\.$/,
    );
  });

  it('adds no source when the registry is not trusted', () => {
    expect(registrySafelistSources(config({}), { logger })).toEqual([]);
    const trusted = config({
      registry: { embedded: true },
      security: { trustedDocuments: { mode: 'log', registry: true } },
    });
    expect(
      registrySafelistSources(trusted, { registry: embedded, logger }).map((source) => source.name),
    ).toEqual(['safelist of embedded registry stage prod']);
  });
});

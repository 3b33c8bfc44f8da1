import { HeaderMap } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { UsageBatch, type UsageSighting } from '../../../src/registry/usage-batch.js';
import { clientHeader, MAX_CLIENT_FIELD_LENGTH } from '../../../src/registry/usage-plugin.js';

function sighting(operationHash: string, clientName = 'web', clientVersion = '1'): UsageSighting {
  return {
    operationHash,
    operationName: `op-${operationHash}`,
    clientName,
    clientVersion,
    coordinates: ['Query.me'],
  };
}

describe('a usage batch', () => {
  it('counts by operation, client name and client version, and starts again empty once taken', () => {
    const batch = new UsageBatch('prod', 10);
    batch.add(sighting('a'), 1_000);
    batch.add(sighting('a'), 2_000);
    batch.add(sighting('a', 'web', '2'), 1_500);
    batch.add(sighting('a', 'ios'), 1_500);
    batch.add(sighting('b'), 1_700);
    const { records, dropped } = batch.take();
    expect(dropped).toBe(0);
    expect(
      records.map(({ operationHash, clientName, clientVersion, count, seenAt, stage }) => [
        operationHash,
        clientName,
        clientVersion,
        count,
        seenAt.getTime(),
        stage,
      ]),
    ).toEqual([
      ['a', 'web', '1', 2, 2_000, 'prod'],
      ['a', 'web', '2', 1, 1_500, 'prod'],
      ['a', 'ios', '1', 1, 1_500, 'prod'],
      ['b', 'web', '1', 1, 1_700, 'prod'],
    ]);
    expect(batch.take()).toEqual({ records: [], dropped: 0 });
  });

  it('holds at most maxKeys keys, counting what it drops, and still counts the keys it has', () => {
    const batch = new UsageBatch('dev', 2);
    for (const hash of ['a', 'b', 'c', 'd', 'a']) batch.add(sighting(hash));
    expect(batch.size).toBe(2);
    const { records, dropped } = batch.take();
    expect(records.map(({ operationHash, count }) => [operationHash, count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(dropped).toBe(2);
  });
});

describe("the client's name and version", () => {
  it("come from Apollo's headers, else the vendor-neutral ones, else are unknown", () => {
    const both = new HeaderMap([
      ['apollographql-client-name', 'web'],
      ['graphql-client-name', 'other'],
      ['graphql-client-version', '3.1'],
    ]);
    expect(clientHeader(both, 'name')).toBe('web');
    expect(clientHeader(both, 'version')).toBe('3.1');
    expect(clientHeader(new HeaderMap([['apollographql-client-name', '  ']]), 'name')).toBe('unknown');
    expect(clientHeader(undefined, 'version')).toBe('unknown');
  });

  it('are cut to a bounded length', () => {
    const long = new HeaderMap([['graphql-client-name', 'x'.repeat(10_000)]]);
    expect(clientHeader(long, 'name')).toBe('x'.repeat(MAX_CLIENT_FIELD_LENGTH));
  });
});

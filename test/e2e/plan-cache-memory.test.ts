import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { startCli, type CliProcess } from '../helpers/cli.js';
import { postGraphQL } from '../helpers/gateway.js';
import { memoryOf, servingPid } from '../helpers/process-memory.js';

// `gatehouse serve` in a process of its own, so that its memory can be read, sent distinct large
// operations. Each would keep a plan of about 9 MiB if it were cached (bench/plan-memory.mjs), and
// Apollo Server's parsed document of about 6 MiB. Before the plan cache and the document store were
// bounded by estimated bytes, 10 such operations added about 250 MiB to the worker's RSS, and 40 took
// it from 207 MiB to 906 MiB; now 24 add about 90 MiB, most of it garbage the heap has not returned.

const OPERATIONS = 24;
const ALIASES = 8000;
const MIB = 1024 * 1024;

const subgraphSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { hello: String }
`;

/** Operation `k`: about 110 KB of text, 8,000 aliases of one field, none shared with another `k`. */
function largeOperation(k: number): string {
  const fields = Array.from({ length: ALIASES }, (_, i) => `a${k}_${i}: hello`);
  return `query Large${k} { ${fields.join(' ')} }`;
}

describe('gatehouse serve sent distinct large operations', () => {
  let dir: string;
  let subgraph: RunningService;
  let cli: CliProcess;
  let url: string;
  let pid: number;

  beforeAll(async () => {
    subgraph = await serveSubgraph({
      name: 'hello',
      typeDefs: parse(subgraphSdl),
      resolvers: { Query: { hello: () => 'world' } },
    });
    const composed = composeServices([{ name: 'hello', url: subgraph.url, typeDefs: parse(subgraphSdl) }]);
    if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-plans-'));
    const supergraph = join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, composed.supergraphSdl);
    // The operations are far over prod's operation limits (tokens, aliases): this is about a gateway
    // whose operator has switched them off, where only the byte budgets bound memory.
    const config = join(dir, 'gatehouse.yaml');
    writeFileSync(config, 'security:\n  limits: { mode: off }\n  cost: { mode: off }\n');
    cli = startCli([
      'serve',
      ...['--config', config, '--supergraph', supergraph],
      ...['--port', '0', '--stage', 'prod', '--workers', '1'],
    ]);
    url = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/graphql/);
    pid = servingPid(cli.child.pid ?? 0);
  });

  afterAll(async () => {
    await cli?.stop();
    await subgraph?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every one correctly, and its memory stays bounded', { timeout: 180_000 }, async () => {
    // Warm up: the first large operation brings in code and heap that any operation would.
    for (const query of ['{ hello }', largeOperation(OPERATIONS)]) {
      const response = await postGraphQL(url, { query });
      expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
    }
    const before = memoryOf(pid);
    let peak = before;
    for (let k = 0; k < OPERATIONS; k++) {
      const response = await postGraphQL(url, { query: largeOperation(k) });
      expect(response.status, `operation ${k}: ${JSON.stringify(response.body).slice(0, 500)}`).toBe(200);
      const { data, errors } = response.body as { data?: Record<string, unknown>; errors?: unknown };
      expect(errors, `operation ${k}`).toBeUndefined();
      const values = Object.entries(data ?? {});
      expect(values, `operation ${k}`).toHaveLength(ALIASES);
      expect(values.every(([key, value]) => key.startsWith(`a${k}_`) && value === 'world')).toBe(true);
      peak = Math.max(peak, memoryOf(pid));
    }
    const growth = memoryOf(pid) - before;
    console.log(
      `RSS before ${Math.round(before / MIB)} MiB, after ${Math.round((before + growth) / MIB)} MiB, ` +
        `highest seen ${Math.round(peak / MIB)} MiB`,
    );
    expect(growth / MIB, 'RSS growth in MiB').toBeLessThan(250);
    expect((await postGraphQL(url, { query: '{ hello }' })).body).toEqual({ data: { hello: 'world' } });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cli.js';

const SUPERGRAPH = fileURLToPath(new URL('../../bench/supergraph.graphql', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-traffic-workers-'));
let gateway: CliProcess | undefined;

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('traffic control with --workers and the memory store', () => {
  it('warns at start that each worker counts alone', async () => {
    const config = join(dir, 'gatehouse.yaml');
    writeFileSync(
      config,
      `supergraph: { file: ${JSON.stringify(SUPERGRAPH)} }\ntraffic: { plans: { free: { rate: 10/s } }, defaultPlan: free }\n`,
    );
    gateway = startCli(['serve', '--config', config, '--workers', '2', '--port', '0']);
    const warning = await gateway.waitFor(/"msg":"traffic\.store is memory[^"]*"/);
    expect(warning).toContain('each of the 2 workers counts rate limits and quotas alone');
    expect(warning).toContain('traffic.store: redis');
  });
});

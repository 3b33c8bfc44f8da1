import { it } from 'vitest';
import { serveSubgraph } from '../../../subgraphs/lib/serve-subgraph.js';
import { postGraphQL, startTestGateway } from '../../helpers/gateway.js';
import { scenarios } from './index.js';
import { startRecordingProxy, type RecordedRequest } from './recording-proxy.js';

it('probe', async () => {
  const scenario = scenarios.find((s) => s.name === process.env.PROBE_SCENARIO)!;
  const log: RecordedRequest[] = [];
  const closers: (() => Promise<void>)[] = [];
  const urls = [];
  for (const def of scenario.subgraphs) {
    const s = await serveSubgraph(def);
    const p = await startRecordingProxy(def.name, s.url, log);
    closers.push(
      () => p.close(),
      () => s.close(),
    );
    urls.push({ name: def.name, url: p.url });
  }
  const gw = await startTestGateway(urls);
  for (const name of scenario.unavailable ?? []) {
    const i = scenario.subgraphs.findIndex((d) => d.name === name);
    await closers[2 * i]!();
    await closers[2 * i + 1]!();
  }
  const query = process.env.PROBE_QUERY!;
  log.length = 0;
  const res = await postGraphQL(gw.graphqlUrl, {
    query,
    ...(process.env.PROBE_VARS ? { variables: JSON.parse(process.env.PROBE_VARS) } : {}),
  });
  console.log('STATUS', res.status, JSON.stringify(res.body, null, 1));
  for (const r of log) console.log('TRAFFIC', r.subgraph, r.body);
  await gw.close();
  for (const c of closers) await c().catch(() => {});
});

import { serveSubgraph, type RunningService } from '../../../subgraphs/lib/serve-subgraph.js';
import type { TestSubgraph } from '../../helpers/gateway.js';
import { startRecordingProxy, type RecordedRequest, type RecordingProxy } from './recording-proxy.js';
import type { ConformanceScenario } from './types.js';

export interface ScenarioServices {
  /** The subgraphs as the gateway should see them: behind their recording proxies. */
  subgraphs: TestSubgraph[];
  /** Every request the proxies forwarded, in order; tests clear it between cases. */
  traffic: RecordedRequest[];
  /** Stops one subgraph (and its proxy), e.g. to make it unavailable. */
  stop(name: string): Promise<void>;
  stopAll(): Promise<void>;
}

/** Starts a scenario's subgraphs on loopback, each behind a proxy that records what reaches it. */
export async function startScenarioServices(
  scenario: Pick<ConformanceScenario, 'subgraphs'>,
): Promise<ScenarioServices> {
  const running = new Map<string, { service: RunningService; proxy: RecordingProxy }>();
  const traffic: RecordedRequest[] = [];
  for (const definition of scenario.subgraphs) {
    const service = await serveSubgraph(definition, { port: 0 });
    const proxy = await startRecordingProxy(definition.name, service.url, traffic);
    running.set(definition.name, { service, proxy });
  }
  const stop = async (name: string) => {
    const entry = running.get(name);
    if (!entry) return;
    running.delete(name);
    await entry.proxy.close();
    await entry.service.close();
  };
  return {
    subgraphs: [...running].map(([name, { proxy }]) => ({ name, url: proxy.url })),
    traffic,
    stop,
    stopAll: async () => {
      await Promise.all([...running.keys()].map(stop));
    },
  };
}

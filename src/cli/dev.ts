import { join } from 'node:path';
import { exampleServices } from '../../subgraphs/index.js';
import type { RunningService } from '../../subgraphs/lib/serve-subgraph.js';
import { packageRoot } from '../package-root.js';
import { startGateway, type RunningGateway } from '../server/start.js';
import { configFromFlags, type ServeFlags } from './config-options.js';
import { tuneProcessFor } from './process-tuning.js';
import { reloadOnHangup, reportFailure, stopOnSignals } from './output.js';

/** Starts the example services and a gateway over them, and stops all of it on Ctrl-C. */
export async function devCommand(flags: ServeFlags): Promise<void> {
  const config = await configFromFlags(
    { stage: 'dev', ...flags },
    { fallbackConfig: join(packageRoot, 'schema', 'gatehouse.yaml') },
  );
  const services: RunningService[] = [];
  let gateway: RunningGateway | undefined;
  const stopAll = async () => {
    await gateway?.close();
    await Promise.all(services.map((service) => service.close()));
  };
  try {
    for (const example of exampleServices) {
      services.push(await example.start({ port: example.port, host: '127.0.0.1' }));
    }
    await tuneProcessFor(config);
    gateway = await startGateway({ config });
  } catch (error) {
    await stopAll().catch(reportFailure);
    throw error;
  }
  stopOnSignals(stopAll);
  const running = gateway;
  reloadOnHangup(() => running.reload());
  const lines = [
    '',
    `  Gatehouse is running (stage ${config.stage})`,
    '',
    `  GraphQL   ${gateway.graphqlUrl}`,
    ...(config.sandbox ? [`  Sandbox   ${gateway.url}/sandbox`] : []),
    `  Health    ${gateway.url}/health`,
    '',
    '  Example services:',
    ...services.map((service) => `    ${service.name.padEnd(10)}${service.url}`),
    '',
    '  Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

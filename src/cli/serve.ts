import { startGateway } from '../server/start.js';
import { configFromFlags, type ServeFlags } from './config-options.js';
import { stopOnSignals } from './output.js';

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const config = await configFromFlags(flags);
  const gateway = await startGateway({ config });
  stopOnSignals(() => gateway.close());
  process.stdout.write(`Gatehouse (stage ${config.stage}) serving GraphQL at ${gateway.graphqlUrl}\n`);
  if (config.sandbox) process.stdout.write(`Sandbox: ${gateway.url}/sandbox\n`);
}

import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { GatehouseConfig } from '../config/load.js';
import { loadSupergraph } from '../gateway/supergraph-source.js';
import { runClusterWorker, startCluster } from '../server/cluster.js';
import { startGateway } from '../server/start.js';
import { configFromFlags, type ServeFlags } from './config-options.js';
import { stopOnSignals } from './output.js';

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const config = await configFromFlags(flags);
  if (cluster.isWorker) {
    runClusterWorker(config, (gateway) => stopOnSignals(() => gateway.close()));
    return;
  }
  const workers = config.server.workers ?? availableParallelism();
  if (workers <= 1) {
    const gateway = await startGateway({ config });
    stopOnSignals(() => gateway.close());
    announce(config, gateway.graphqlUrl, 1);
    return;
  }
  const supergraphSdl = await loadSupergraph(config);
  const running = startCluster({
    config,
    workers,
    supergraphSdl,
    onListening: (url) => announce(config, url, workers),
    log: (message) => process.stderr.write(`gatehouse: ${message}\n`),
  });
  stopOnSignals(() => running.stop());
  void running.failed.then(async (code) => {
    await running.stop();
    process.exit(code);
  });
}

function announce(config: GatehouseConfig, graphqlUrl: string, workers: number): void {
  const plural = workers === 1 ? 'worker' : 'workers';
  process.stdout.write(
    `Gatehouse (stage ${config.stage}, ${workers} ${plural}) serving GraphQL at ${graphqlUrl}\n`,
  );
  if (config.sandbox) process.stdout.write(`Sandbox: ${graphqlUrl.replace(/\/graphql$/, '/sandbox')}\n`);
}

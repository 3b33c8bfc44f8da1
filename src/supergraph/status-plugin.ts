import type { GatewayPlugin } from '../pipeline/plugin.js';
import type { SupergraphStatus } from './live.js';

/** Shows the served supergraph and its source's last failure in `/ready`'s `detail.supergraph`. */
export function useSupergraphStatus(status: () => SupergraphStatus): GatewayPlugin {
  return { name: 'supergraph', readiness: () => ({ ...status() }) };
}

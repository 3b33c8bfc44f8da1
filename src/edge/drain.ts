import type { GatewayPlugin } from '../pipeline/plugin.js';

/**
 * While the gateway drains, answered connections close, so that shutdown need not wait for
 * keep-alive clients to go idle.
 */
export function useDrain(draining: () => boolean): GatewayPlugin {
  return {
    name: 'drain',
    edge: {
      onSend(_request, reply, payload, done) {
        if (draining()) reply.header('connection', 'close');
        done(null, payload);
      },
    },
  };
}

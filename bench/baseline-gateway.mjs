#!/usr/bin/env node
// Contender A of the benchmark: a plain @apollo/gateway behind @apollo/server 5's standalone server, one
// process, set up as the Apollo docs do it. Same flags as `gatehouse serve`:
//   node bench/baseline-gateway.mjs --supergraph FILE [--port 4000] [--host 127.0.0.1]
// Prints one JSON line, {"ready":true,...}, when it listens. SIGINT/SIGTERM stop it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// The gateway reports OTLP metrics to Apollo unless this is set before it is constructed.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

const { ApolloGateway } = await import('@apollo/gateway');
const { ApolloServer } = await import('@apollo/server');
const { startStandaloneServer } = await import('@apollo/server/standalone');

const { values } = parseArgs({
  options: {
    supergraph: { type: 'string' },
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  strict: true,
});
if (!values.supergraph) {
  process.stderr.write('baseline-gateway: --supergraph FILE is required\n');
  process.exit(2);
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(values.supergraph, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(values.port), host: values.host },
});
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, url })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

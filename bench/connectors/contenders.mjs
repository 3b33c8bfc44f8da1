// The two contenders: the same REST service behind a batched and an unbatched connector schema, each
// served by `gatehouse serve` with a config file as a user would write it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ROOT } from '../lib/util.mjs';

const GATEHOUSE_MAIN = 'dist/src/cli/main.js';

export const CONTENDERS = [
  {
    label: 'batched',
    schema: 'bench/connectors/schemas/batched.graphql',
    description: "@connect on Item: GET /items?ids={$batch.id->joinNotNull(',')}",
  },
  {
    label: 'unbatched',
    schema: 'bench/connectors/schemas/unbatched.graphql',
    description: '@connect on Item: GET /items/{$this.id}',
  },
];

/** Added to the gateway's environment. */
export const GATEWAY_ENV = { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' };

export function assertGatewayBuilt() {
  if (!existsSync(join(ROOT, GATEHOUSE_MAIN))) {
    fail(`${GATEHOUSE_MAIN} is missing: build first (\`npm run build:ts\`)`);
  }
}

/**
 * Writes the contender's gatehouse.yaml into `dir`: the items GraphQL subgraph and the `stock` REST
 * subgraph, whose "catalog" source points at the backend.
 */
export function writeGatewayConfig(contender, dir, backendUrl) {
  const file = join(dir, `gatehouse-${contender.label}.yaml`);
  const yaml = [
    '# Written by bench/connectors.mjs.',
    'subgraphs:',
    '  - name: items',
    `    url: ${JSON.stringify(`${backendUrl}/graphql`)}`,
    '  - name: stock',
    '    type: rest',
    `    schema: ${JSON.stringify(join(ROOT, contender.schema))}`,
    'connectors:',
    '  subgraphs:',
    '    stock:',
    '      sources:',
    `        catalog: { baseURL: ${JSON.stringify(backendUrl)} }`,
    'logging:',
    '  level: warn',
    '',
  ].join('\n');
  writeFileSync(file, yaml);
  return file;
}

/** The command line of one run. */
export function gatewayArgs(configFile, { port, host }) {
  return [
    GATEHOUSE_MAIN,
    'serve',
    '--config',
    configFile,
    '--port',
    String(port),
    '--host',
    host,
    '--stage',
    'prod',
    '--workers',
    '1',
  ];
}

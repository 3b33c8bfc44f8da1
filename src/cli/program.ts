import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { packageRoot } from '../package-root.js';
import { configCommand } from './config-command.js';
import { connectorCommand } from './connector.js';
import { keysCommand } from './keys.js';
import { runCommand } from './output.js';
import { safelistCommand } from './safelist.js';
import { subgraphCommand } from './subgraph.js';
import { supergraphCommand } from './supergraph-commands.js';

const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  version: string;
};

/**
 * The `gatehouse` command line; main.ts runs it, the README test reads it. Commands load their
 * modules when run, so `--help` or `keys list` does not pay for the whole gateway.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('gatehouse')
    .description('A GraphQL federation gateway that is also an API gateway.')
    .version(version, '-v, --version')
    // Program options only before a command: `safelist push --version 1.4.0` is the client's version.
    .enablePositionalOptions()
    .showHelpAfterError();

  program
    .command('dev')
    .description('Start the example subgraphs and a gateway over them (stage dev); Ctrl-C stops everything.')
    .option(
      '-c, --config <file>',
      'gateway config (default: GATEHOUSE_CONFIG, else the bundled schema/gatehouse.yaml)',
    )
    .option('-p, --port <port>', 'gateway port (default: GATEHOUSE_PORT, else 4000)')
    .action((flags) => runCommand(async () => (await import('./dev.js')).devCommand(flags)));

  program
    .command('serve')
    .description('Serve a supergraph: compose the configured subgraphs, or load a composed supergraph file.')
    .option(
      '-c, --config <file>',
      'gateway config (default: GATEHOUSE_CONFIG, else ./gatehouse.yaml, then ./schema/gatehouse.yaml)',
    )
    .option(
      '-s, --supergraph <file>',
      'serve this composed supergraph instead of composing subgraphs (default: GATEHOUSE_SUPERGRAPH)',
    )
    .option('-p, --port <port>', 'port to listen on (default: GATEHOUSE_PORT, else server.port, 4000)')
    .option(
      '-H, --host <host>',
      'interface to listen on (default: GATEHOUSE_HOST, else server.host, 127.0.0.1)',
    )
    .option(
      '--stage <stage>',
      "stage to run as: dev, test, prod, or one the config declares (default: GATEHOUSE_STAGE, else the file's `stage`, else dev)",
    )
    .option(
      '-w, --workers <count>',
      'worker processes sharing the port (default: GATEHOUSE_WORKERS, else server.workers, else the CPU quota of the container or the CPU count)',
    )
    .option('--watch', 'load the supergraph file again whenever it changes')
    .option('--registry <url>', 'follow the --stage stage of the registry at this URL')
    .option('--registry-token <token>', "the registry's admin token (default: GATEHOUSE_REGISTRY_TOKEN)")
    .action((flags) => runCommand(async () => (await import('./serve.js')).serveCommand(flags)));

  program
    .command('compose')
    .description('Compose the configured subgraphs and write the supergraph SDL.')
    .option('-c, --config <file>', 'gateway config (default: ./gatehouse.yaml, then ./schema/gatehouse.yaml)')
    .option('-o, --output <file>', 'where to write the supergraph', 'schema/supergraph.graphql')
    .option('--stage <stage>', 'stage whose overlay applies')
    .action((flags) => runCommand(async () => (await import('./compose.js')).composeCommand(flags)));

  program
    .command('registry')
    .description(
      'Run the schema registry on its own: its HTTP API (/registry/v1), on the configured store (SQLite or PostgreSQL).',
    )
    .option(
      '-c, --config <file>',
      'config with the store and registry (default: ./gatehouse.yaml, then ./schema/gatehouse.yaml)',
    )
    .option('-p, --port <port>', 'port to listen on (default: registry.port, 4100)')
    .option('-H, --host <host>', 'interface to listen on (default: server.host, 127.0.0.1)')
    .option('--stage <stage>', 'stage to run as; in prod, reads need a token too')
    .action((flags) => runCommand(async () => (await import('./registry.js')).registryCommand(flags)));

  program.addCommand(subgraphCommand());
  program.addCommand(supergraphCommand());
  program.addCommand(safelistCommand());
  program.addCommand(keysCommand());
  program.addCommand(connectorCommand());
  program.addCommand(configCommand());

  return program;
}

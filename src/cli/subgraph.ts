import { open } from 'node:fs/promises';
import { Command } from 'commander';
import { UserFacingError } from '../errors.js';
import type { PublishRequest } from '../registry/types.js';
import { runCommand } from './output.js';
import {
  outputFormat,
  print,
  rejected,
  withRegistry,
  withRegistryOptions,
  type RegistryFlags,
} from './registry-flags.js';

/** The largest schema file read; the registry's own limit (`registry.maxSchemaBytes`) is lower. */
const MAX_SCHEMA_FILE_BYTES = 64 * 1024 * 1024;
/** How long `--introspect` keeps retrying a subgraph that is still starting. */
const INTROSPECTION_WAIT_MS = 5_000;

interface StageFlags extends RegistryFlags {
  stage: string;
}

interface PublishFlags extends StageFlags {
  name: string;
  url?: string;
  schema?: string;
  introspect?: boolean;
  type?: string;
  owner?: string;
  allowBreaking?: boolean;
}

interface RemoveFlags extends StageFlags {
  name: string;
  allowBreaking?: boolean;
}

/** `gatehouse subgraph publish|check|list|remove`: a team's subgraphs in a registry stage. */
export function subgraphCommand(): Command {
  const subgraph = new Command('subgraph').description(
    "Register subgraphs in a registry stage: publish, check (for CI), list, remove. Changes are checked against the stage's graph and the operations its gateways report.",
  );
  const publishOptions = (command: Command) =>
    withRegistryOptions(command)
      .requiredOption('--stage <stage>', 'the stage, e.g. dev, test or prod')
      .requiredOption('-n, --name <name>', "the subgraph's name")
      .option('--url <url>', 'where gateways reach the subgraph (not needed with --type rest)')
      .option('--schema <file>', "the subgraph's SDL file")
      .option('--introspect', 'read the SDL from the running subgraph at --url ({ _service { sdl } })')
      .option('--type <type>', 'graphql, or rest for a connector schema', 'graphql')
      .option('--owner <owner>', 'the team that owns it (default: the name of the token)')
      .option('--allow-breaking', 'accept breaking changes that operations still use');

  publishOptions(
    subgraph
      .command('publish')
      .description(
        "Publish a subgraph's schema: compose the stage with it and check for breaking changes; a new version on success.",
      ),
  ).action((flags: PublishFlags) => runCommand(() => publish(flags)));

  publishOptions(
    subgraph
      .command('check')
      .description('Run the checks of a publish and store nothing: exit 0 if it would be accepted, else 1.'),
  ).action((flags: PublishFlags) => runCommand(() => check(flags)));

  withRegistryOptions(
    subgraph
      .command('list')
      .description("List a stage's subgraphs: name, type, URL, owner, last change.")
      .requiredOption('--stage <stage>', 'the stage'),
  ).action((flags: StageFlags) => runCommand(() => list(flags)));

  withRegistryOptions(
    subgraph
      .command('remove')
      .description('Remove a subgraph from a stage; checked like a publish.')
      .requiredOption('--stage <stage>', 'the stage')
      .requiredOption('-n, --name <name>', "the subgraph's name")
      .option('--allow-breaking', 'accept breaking changes that operations still use'),
  ).action((flags: RemoveFlags) => runCommand(() => remove(flags)));

  return subgraph;
}

async function publish(flags: PublishFlags): Promise<void> {
  const format = outputFormat(flags);
  const request = await publishRequest(flags);
  const outcome = await withRegistry(flags, (client) => client.publish(request));
  const { formatOutcome } = await import('./registry-report.js');
  print(format, outcome, formatOutcome);
  if (outcome.status === 'rejected') rejected(format, `${outcome.report.subject} was rejected`);
}

async function check(flags: PublishFlags): Promise<void> {
  const format = outputFormat(flags);
  const request = await publishRequest(flags);
  const report = await withRegistry(flags, (client) => client.check(request));
  const { formatCheck } = await import('./registry-report.js');
  print(format, report, formatCheck);
  if (!report.ok) rejected(format, `${report.subject} would be rejected`);
}

async function list(flags: StageFlags): Promise<void> {
  const format = outputFormat(flags);
  const subgraphs = await withRegistry(flags, (client) => client.subgraphs(flags.stage));
  const { formatSubgraphs } = await import('./registry-report.js');
  print(format, { subgraphs }, () => formatSubgraphs(flags.stage, subgraphs));
}

async function remove(flags: RemoveFlags): Promise<void> {
  const format = outputFormat(flags);
  const outcome = await withRegistry(flags, (client) =>
    client.remove({
      stage: flags.stage,
      name: flags.name,
      ...(flags.allowBreaking ? { allowBreaking: true } : {}),
    }),
  );
  const { formatOutcome } = await import('./registry-report.js');
  print(format, outcome, formatOutcome);
  if (outcome.status === 'rejected') rejected(format, `${outcome.report.subject} was rejected`);
}

/** Builds the request from the flags, reading the schema from its file or from the subgraph. */
async function publishRequest(flags: PublishFlags): Promise<PublishRequest> {
  if (flags.type !== 'graphql' && flags.type !== 'rest') {
    throw new UserFacingError(`--type: expected graphql or rest, got "${flags.type}"`);
  }
  if ((flags.schema === undefined) === !flags.introspect) {
    throw new UserFacingError('Pass either --schema FILE or --introspect (which reads the SDL from --url).');
  }
  if (flags.url === undefined && (flags.type === 'graphql' || flags.introspect)) {
    throw new UserFacingError('--url: where gateways reach the subgraph is required (unless --type rest).');
  }
  const url = flags.url ?? `http://${flags.name.toLowerCase()}.connector.invalid/`;
  let sdl: string;
  let origin: string;
  if (flags.schema !== undefined) {
    sdl = await readSchemaFile(flags.schema);
    origin = flags.schema;
  } else {
    const { introspectSubgraph } = await import('../supergraph/compose.js');
    sdl = await introspectSubgraph(flags.name, url, INTROSPECTION_WAIT_MS);
    origin = url;
  }
  return {
    stage: flags.stage,
    name: flags.name,
    url,
    sdl,
    type: flags.type,
    origin,
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
    ...(flags.allowBreaking ? { allowBreaking: true } : {}),
  };
}

async function readSchemaFile(path: string): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new UserFacingError(
      `Cannot read the schema file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    const { size } = await file.stat();
    if (size > MAX_SCHEMA_FILE_BYTES) {
      throw new UserFacingError(
        `The schema file ${path} is ${size} bytes; a subgraph schema is at most 64 MiB.`,
      );
    }
    const text = await file.readFile('utf8');
    if (text.trim() === '') throw new UserFacingError(`The schema file ${path} is empty.`);
    return text;
  } finally {
    await file.close();
  }
}

import { open } from 'node:fs/promises';
import { Command } from 'commander';
import { UserFacingError } from '../errors.js';
import type { Safelist, SafelistDocument, SafelistPushOutcome } from '../registry/types.js';
import type { Manifest } from '../security/persisted/manifest.js';
import { SAFELIST_LIMITS } from '../store/safelist.js';
import { runCommand } from './output.js';
import {
  outputFormat,
  print,
  withRegistry,
  withRegistryOptions,
  type RegistryFlags,
} from './registry-flags.js';

/** The largest manifest file read: the registry takes at most 16 MiB per push. */
const MAX_MANIFEST_FILE_BYTES = 32 * 1024 * 1024;

interface StageFlags extends RegistryFlags {
  stage?: string;
}

interface PushFlags extends StageFlags {
  client?: string;
  version?: string;
}

interface ListFlags extends StageFlags {
  client?: string;
}

/** `gatehouse safelist push|list`: the operations a stage's gateways trust (trusted documents). */
export function safelistCommand(): Command {
  const safelist = new Command('safelist').description(
    "Trusted documents in a registry stage: push a client's manifest (Apollo or Relay), list what is trusted.",
  );
  const stageOption = (command: Command) =>
    withRegistryOptions(command).option('--stage <stage>', 'the stage (default: GATEHOUSE_STAGE)');

  stageOption(
    safelist
      .command('push')
      .description(
        "Add a manifest's operations to the stage's safelist, all or none; gateways with security.trustedDocuments.registry pick them up without a restart.",
      )
      .argument('<manifest>', "Apollo's persisted-query manifest or Relay's { id: text } JSON file")
      .option('--client <name>', 'the client the operations belong to, e.g. web')
      .option('--version <version>', "the client's version, e.g. 1.4.0"),
  ).action((manifest: string, flags: PushFlags) => runCommand(() => push(manifest, flags)));

  stageOption(
    safelist
      .command('list')
      .description("List the stage's trusted operations: id, operation name, client, who pushed it and when.")
      .option('--client <name>', 'only the operations of this client'),
  ).action((flags: ListFlags) => runCommand(() => list(flags)));

  return safelist;
}

async function push(path: string, flags: PushFlags): Promise<void> {
  const format = outputFormat(flags);
  const stage = stageOf(flags);
  const json = await readManifestFile(path);
  const { parseManifest, ManifestError } = await import('../security/persisted/manifest.js');
  let manifest: Manifest;
  try {
    manifest = parseManifest(json, { documentsPerPush: SAFELIST_LIMITS.documentsPerPush });
  } catch (error) {
    if (error instanceof ManifestError) {
      throw new UserFacingError(`The manifest ${path} cannot be pushed:`, [...error.problems]);
    }
    throw error;
  }
  const outcome = await withRegistry(flags, (client) =>
    client.pushSafelist({ stage, manifest: json, clientName: flags.client, clientVersion: flags.version }),
  );
  print(format, outcome, (value) => formatPush(path, value, manifest));
}

async function list(flags: ListFlags): Promise<void> {
  const format = outputFormat(flags);
  const stage = stageOf(flags);
  const safelist = await withRegistry(flags, (client) => client.safelist(stage));
  const documents =
    flags.client === undefined
      ? safelist.documents
      : safelist.documents.filter((document) => document.clientName === flags.client);
  print(format, { ...safelist, documents }, () => formatList(safelist, documents, flags.client));
}

function stageOf(flags: StageFlags): string {
  const stage = flags.stage ?? process.env.GATEHOUSE_STAGE?.trim();
  if (stage === undefined || stage === '') {
    throw new UserFacingError('No stage: pass --stage STAGE (e.g. prod) or set GATEHOUSE_STAGE.');
  }
  return stage;
}

/** The file as JSON, or a message naming it and what is wrong. */
async function readManifestFile(path: string): Promise<unknown> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new UserFacingError(
      `Cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let text: string;
  try {
    const { size } = await file.stat();
    if (size > MAX_MANIFEST_FILE_BYTES) {
      throw new UserFacingError(
        `The manifest ${path} is ${size} bytes; one push carries at most 16 MiB: split it.`,
      );
    }
    text = await file.readFile('utf8');
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(
      `Cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  } finally {
    await file.close();
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserFacingError(`The manifest ${path} is not JSON: ${(error as Error).message}`);
  }
}

function formatPush(path: string, outcome: SafelistPushOutcome, manifest: Manifest): string {
  const client = describeClient(outcome.clientName, outcome.clientVersion);
  const kind = outcome.format === 'apollo' ? "Apollo's format" : "Relay's format";
  const total = outcome.added.length + outcome.existing.length;
  const lines = [
    `Stage ${outcome.stage}${client}: ${total} operation${total === 1 ? '' : 's'} from ${path} (${kind}): ${outcome.added.length} added, ${outcome.existing.length} already there; the safelist has ${outcome.revision}.`,
  ];
  const bodies = new Map(manifest.documents.map((document) => [document.id, document.body]));
  for (const id of outcome.added) lines.push(`  + ${id}  ${operationName(bodies.get(id) ?? '')}`);
  for (const id of outcome.existing) lines.push(`  = ${id}  ${operationName(bodies.get(id) ?? '')}`);
  return `${lines.join('\n')}\n`;
}

function formatList(safelist: Safelist, documents: readonly SafelistDocument[], client?: string): string {
  const which = client === undefined ? '' : ` of client ${client}`;
  const lines = [
    `Stage ${safelist.stage}: ${documents.length} trusted operation${documents.length === 1 ? '' : 's'}${which} (of ${safelist.revision}).`,
  ];
  for (const document of documents) {
    const owner = describeClient(document.clientName, document.clientVersion).replace(/^, client /, '');
    lines.push(
      `  ${document.id}  ${operationName(document.body)}  ${owner || '-'}  by ${document.pushedBy} at ${document.createdAt.toISOString()}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describeClient(name: string | null, version: string | null): string {
  if (name === null) return version === null ? '' : `, version ${version}`;
  return `, client ${name}${version === null ? '' : ` ${version}`}`;
}

/** The first operation's name, without parsing: `query Name`, `mutation Name`; else `(anonymous)`. */
function operationName(body: string): string {
  const match = /\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(body);
  return match?.[2] ?? '(anonymous)';
}

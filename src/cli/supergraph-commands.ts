import { Command } from 'commander';
import type { ChangeOutcome } from '../registry/types.js';
import { runCommand } from './output.js';
import {
  outputFormat,
  positiveInteger,
  print,
  rejected,
  withRegistry,
  withRegistryOptions,
  type RegistryFlags,
} from './registry-flags.js';

interface HistoryFlags extends RegistryFlags {
  stage: string;
  limit?: string;
}

interface RollbackFlags extends RegistryFlags {
  stage: string;
  to: string;
}

interface PromoteFlags extends RegistryFlags {
  from: string;
  to: string;
}

/** `gatehouse supergraph history|diff|rollback|promote`: a stage's versions in a registry. */
export function supergraphCommand(): Command {
  const supergraph = new Command('supergraph').description(
    "A registry stage's supergraph versions: history, diff, rollback, promote.",
  );

  withRegistryOptions(
    supergraph
      .command('history')
      .description("List a stage's versions, newest (current) first.")
      .requiredOption('--stage <stage>', 'the stage')
      .option('--limit <count>', 'how many versions (default 20)'),
  ).action((flags: HistoryFlags) => runCommand(() => history(flags)));

  withRegistryOptions(
    supergraph
      .command('diff')
      .description('Show what changed from version A to version B: API schema changes and subgraphs.')
      .argument('<from>', 'a version id')
      .argument('<to>', 'a version id'),
  ).action((from: string, to: string, flags: RegistryFlags) => runCommand(() => diff(from, to, flags)));

  withRegistryOptions(
    supergraph
      .command('rollback')
      .description("Make an earlier version the stage's current one again (as a new version).")
      .requiredOption('--stage <stage>', 'the stage')
      .requiredOption('--to <id>', 'the version to go back to'),
  ).action((flags: RollbackFlags) => runCommand(() => rollback(flags)));

  withRegistryOptions(
    supergraph
      .command('promote')
      .description("Copy one stage's current version, exactly, into another stage.")
      .requiredOption('--from <stage>', 'the stage to copy from, e.g. test')
      .requiredOption('--to <stage>', 'the stage to copy to, e.g. prod'),
  ).action((flags: PromoteFlags) => runCommand(() => promote(flags)));

  return supergraph;
}

async function history(flags: HistoryFlags): Promise<void> {
  const format = outputFormat(flags);
  const limit = flags.limit === undefined ? undefined : positiveInteger(flags.limit, '--limit');
  const versions = await withRegistry(flags, (client) => client.history(flags.stage, limit));
  const { formatHistory } = await import('./registry-report.js');
  print(format, { versions }, () => formatHistory(flags.stage, versions));
}

async function diff(fromText: string, toText: string, flags: RegistryFlags): Promise<void> {
  const format = outputFormat(flags);
  const from = positiveInteger(fromText, '<from>');
  const to = positiveInteger(toText, '<to>');
  const result = await withRegistry(flags, (client) => client.diff(from, to));
  print(format, result, (value) => (value.text.endsWith('\n') ? value.text : `${value.text}\n`));
}

async function rollback(flags: RollbackFlags): Promise<void> {
  const format = outputFormat(flags);
  const to = positiveInteger(flags.to, '--to');
  const outcome = await withRegistry(flags, (client) => client.rollback(flags.stage, to));
  await printOutcome(format, outcome);
}

async function promote(flags: PromoteFlags): Promise<void> {
  const format = outputFormat(flags);
  const outcome = await withRegistry(flags, (client) => client.promote(flags.from, flags.to));
  await printOutcome(format, outcome);
}

async function printOutcome(format: 'text' | 'json', outcome: ChangeOutcome): Promise<void> {
  const { formatOutcome } = await import('./registry-report.js');
  print(format, outcome, formatOutcome);
  if (outcome.status === 'rejected') rejected(format, `${outcome.report.subject} was rejected`);
}

import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { findDefaultConfig, readConfigFile } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import { settingsFrom } from './environment.js';
import { runCommand } from './output.js';

interface ValidateFlags {
  config?: string;
  stage?: string;
}

/** `gatehouse config validate|schema`: check gatehouse.yaml for every stage, or print its JSON Schema. */
export function configCommand(): Command {
  const config = new Command('config').description(
    'Check gatehouse.yaml: validate every stage overlay, or print a JSON Schema of the file for editors.',
  );
  config
    .command('validate')
    .description(
      'Validate the config as every stage would load it (dev, test, prod, each one under `stages` and in `registry.stages`), or only --stage; exits 1 if any is invalid.',
    )
    .option(
      '-c, --config <file>',
      'the config to check (default: GATEHOUSE_CONFIG, then ./gatehouse.yaml, then ./schema/gatehouse.yaml)',
    )
    .option('--stage <stage>', 'check only this stage')
    .action((flags: ValidateFlags) => runCommand(() => validateConfig(flags)));
  config
    .command('schema')
    .description(
      'Print a JSON Schema (draft-07) of gatehouse.yaml, e.g. for `# yaml-language-server: $schema=…` in an editor.',
    )
    .action(() =>
      runCommand(async () => {
        const { configJsonSchema } = await import('../config/json-schema.js');
        process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      }),
    );
  return config;
}

async function validateConfig(flags: ValidateFlags): Promise<void> {
  const { validateStages } = await import('../config/validate.js');
  const given = settingsFrom({ config: flags.config }, process.env, ['config']).config;
  const file = given === undefined ? findDefaultConfig() : resolve(given);
  if (file === undefined) {
    throw new UserFacingError(
      'No configuration to validate: pass --config FILE or set GATEHOUSE_CONFIG, or run this where gatehouse.yaml is.',
    );
  }
  const reports = validateStages(await readConfigFile(file), {
    baseDir: dirname(file),
    source: file,
    ...(flags.stage === undefined ? {} : { only: flags.stage }),
  });
  const lines = [`${file}:`];
  const width = Math.max(...reports.map((report) => report.stage.length));
  for (const { stage, production, problems, notes } of reports) {
    const verdict = problems.length > 0 ? 'invalid' : production ? 'valid (production)' : 'valid';
    lines.push(`  ${stage.padEnd(width)}  ${verdict}`);
    for (const problem of problems) lines.push(`    - ${problem.replaceAll('\n', '\n      ')}`);
    for (const note of notes) lines.push(`    note: ${note}`);
  }
  const invalid = reports.filter((report) => report.problems.length > 0).length;
  lines.push(
    invalid === 0
      ? `${reports.length === 1 ? 'The stage is' : `All ${reports.length} stages are`} valid.`
      : `${invalid} of ${reports.length} stage${reports.length === 1 ? '' : 's'} ${invalid === 1 ? 'is' : 'are'} invalid.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  if (invalid > 0) process.exitCode = 1;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { UserFacingError } from '../errors.js';
import { runCommand } from './output.js';

export interface FromOpenApiFlags {
  name: string;
  out?: string;
  force?: boolean;
  baseUrl?: string;
}

/** `gatehouse connector from-openapi`: Apollo Connectors schemas generated from REST API descriptions. */
export function connectorCommand(): Command {
  const connector = new Command('connector').description(
    'Generate Apollo Connectors subgraph schemas (REST APIs as GraphQL): from-openapi.',
  );
  connector
    .command('from-openapi')
    .description(
      'Generate a connectors subgraph schema from an OpenAPI 3.0/3.1 document: one @connect per GET operation, types from its schemas.',
    )
    .argument('<spec>', 'the OpenAPI document, YAML or JSON')
    .requiredOption('-n, --name <name>', 'the @source name the connectors share, e.g. pets')
    .option('-o, --out <file>', 'write the schema to this file (default: stdout)')
    .option('-f, --force', 'overwrite the --out file if it exists')
    .option('--base-url <url>', "the API's base URL (default: the document's servers[0].url)")
    .action((spec: string, flags: FromOpenApiFlags) => runCommand(() => fromOpenApi(spec, flags)));
  return connector;
}

async function fromOpenApi(spec: string, flags: FromOpenApiFlags): Promise<void> {
  const [{ openApiFileToConnectors }, { validateConnectorSchema }] = await Promise.all([
    import('../connectors/openapi/index.js'),
    import('../supergraph/validate-connector-schema.js'),
  ]);
  const result = await openApiFileToConnectors(spec, {
    name: flags.name,
    ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
  });
  validateConnectorSchema(result.sdl, flags.name);
  if (flags.out === undefined) {
    process.stdout.write(result.sdl);
    return;
  }
  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  try {
    await writeFile(out, result.sdl, { flag: flags.force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserFacingError(`${out} already exists: pass --force to overwrite it`);
    throw new UserFacingError(`Cannot write ${out}: ${code ?? error}`);
  }
  process.stdout.write(
    `Wrote ${result.connectors} connectors and ${result.types} types to ${out}` +
      (result.skipped > 0 ? `; ${result.skipped} operations not generated (listed at the top)\n` : '\n'),
  );
}

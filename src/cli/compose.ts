import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { composeSupergraph, loadSubgraphSdls } from '../supergraph/compose.js';
import { UserFacingError } from '../errors.js';
import { configFromFlags } from './config-options.js';

export interface ComposeFlags {
  config?: string;
  output: string;
  stage?: string;
}

export async function composeCommand(flags: ComposeFlags): Promise<void> {
  const config = await configFromFlags({
    ...(flags.config === undefined ? {} : { config: flags.config }),
    ...(flags.stage === undefined ? {} : { stage: flags.stage }),
  });
  if (config.subgraphs.length === 0) {
    throw new UserFacingError(`${config.source} lists no \`subgraphs\` to compose.`);
  }
  const supergraphSdl = composeSupergraph(await loadSubgraphSdls(config.subgraphs, { waitMs: 2_000 }), {
    connectors: config.connectors,
  });
  const output = resolve(flags.output);
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, supergraphSdl.endsWith('\n') ? supergraphSdl : `${supergraphSdl}\n`);
  process.stdout.write(`Composed ${config.subgraphs.length} subgraphs into ${output}\n`);
}

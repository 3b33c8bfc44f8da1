import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import type { SubgraphConfig } from '../config/schema.js';
import { UserFacingError } from '../errors.js';
import { describeNetworkError } from '../network-error.js';
import { readUndiciBody } from '../read-limited.js';
import {
  composeSubgraphs,
  formatComposeProblem,
  type ComposeOptions,
  type SubgraphSdl,
} from './compose-subgraphs.js';

/** Largest `{ _service { sdl } }` answer read from a subgraph at start-up. */
const SDL_MAX_BYTES = 16 * 1024 * 1024;

export { composeSubgraphs, formatComposeProblem } from './compose-subgraphs.js';
export type { ComposeOptions, ComposeProblem, ComposeResult, SubgraphSdl } from './compose-subgraphs.js';

export interface IntrospectionOptions {
  /** How long to keep retrying a subgraph that does not answer yet (it may still be starting). */
  waitMs: number;
}

const SERVICE_SDL_QUERY = JSON.stringify({ query: 'query __GatehouseSubgraphSdl { _service { sdl } }' });

/** Reads each subgraph's SDL: from its schema file, or from the running service. */
export async function loadSubgraphSdls(
  subgraphs: readonly SubgraphConfig[],
  options: IntrospectionOptions,
): Promise<SubgraphSdl[]> {
  return Promise.all(
    subgraphs.map(async (subgraph) => {
      if (subgraph.schema !== undefined) {
        try {
          return {
            name: subgraph.name,
            url: subgraph.url ?? connectorPlaceholderUrl(subgraph.name),
            sdl: await readFile(subgraph.schema, 'utf8'),
            origin: subgraph.schema,
            type: subgraph.type,
          };
        } catch (error) {
          throw new UserFacingError(
            `Cannot read the schema of subgraph "${subgraph.name}" from ${subgraph.schema}: ${(error as NodeJS.ErrnoException).code ?? error}`,
          );
        }
      }
      // The config schema requires a URL for every subgraph without a schema file.
      const url = subgraph.url as string;
      const sdl = await introspectSubgraph(subgraph.name, url, options.waitMs);
      return { name: subgraph.name, url, sdl, origin: url };
    }),
  );
}

/** The supergraph needs a URL for every subgraph; a connector subgraph has none of its own. */
function connectorPlaceholderUrl(name: string): string {
  return `http://${name.toLowerCase()}.connector.invalid/`;
}

/** Reads a running subgraph's SDL (`{ _service { sdl } }`), retrying for up to `waitMs` while it starts. */
export async function introspectSubgraph(name: string, url: string, waitMs: number): Promise<string> {
  const deadline = Date.now() + waitMs;
  let lastProblem = '';
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: SERVICE_SDL_QUERY,
        signal: AbortSignal.timeout(Math.max(1000, Math.min(5000, deadline - Date.now()))),
      });
      const text = (await readUndiciBody(response, SDL_MAX_BYTES)).toString('utf8');
      const sdl = extractSdl(text);
      if (sdl !== undefined) return sdl;
      lastProblem = `answered HTTP ${response.statusCode} without { _service { sdl } }; is it a Federation subgraph?`;
      break;
    } catch (error) {
      lastProblem = describeNetworkError(error);
    }
    if (Date.now() + 250 > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt)));
  }
  throw new UserFacingError(`Cannot read the schema of subgraph "${name}" from ${url}: ${lastProblem}`);
}

function extractSdl(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { data?: { _service?: { sdl?: unknown } } };
    const sdl = body.data?._service?.sdl;
    return typeof sdl === 'string' ? sdl : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Composes the subgraphs into a supergraph SDL. Any parse or composition error fails with every
 * error listed, each with the subgraph and the file/line/column it points at.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[], options: ComposeOptions = {}): string {
  const result = composeSubgraphs(subgraphs, options);
  if (result.ok) return result.supergraphSdl;
  const problems = result.problems.map(formatComposeProblem);
  throw new UserFacingError(`Composition failed with ${problems.length} error(s):`, problems);
}

import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import type { GraphQLError } from 'graphql';
import { Source, getLocation, parse, type DocumentNode } from 'graphql';
import { request } from 'undici';
import type { ConnectorsConfig } from '../config/connectors-schema.js';
import type { SubgraphConfig } from '../config/schema.js';
import { checkConnectorSchema } from '../connectors/validate/check-connectors.js';
import { UserFacingError } from '../errors.js';
import { describeNetworkError } from '../network-error.js';
import { readUndiciBody } from '../read-limited.js';

/** Largest `{ _service { sdl } }` answer read from a subgraph at start-up. */
const SDL_MAX_BYTES = 16 * 1024 * 1024;

export interface SubgraphSdl {
  name: string;
  /** Where the gateway reaches it; a placeholder for REST connector subgraphs, which run in process. */
  url: string;
  sdl: string;
  /** A file path, or the URL the SDL was read from; shown in error locations. */
  origin: string;
  /** `rest`: a connector schema, which must link the connect spec. Defaults to `graphql`. */
  type?: 'graphql' | 'rest';
}

export interface ComposeOptions {
  /** `connectors` from the gateway config: connector schemas are checked against it (`$config`). */
  connectors?: ConnectorsConfig;
}

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

async function introspectSubgraph(name: string, url: string, waitMs: number): Promise<string> {
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
  const problems: string[] = [];
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  for (const subgraph of subgraphs) {
    let typeDefs: DocumentNode;
    try {
      typeDefs = parse(new Source(subgraph.sdl, subgraph.origin));
    } catch (error) {
      problems.push(`[${subgraph.name}] ${formatGraphQLError(error as GraphQLError)}`);
      continue;
    }
    const connectorCheck = checkConnectors(subgraph, typeDefs, options.connectors);
    problems.push(...connectorCheck.problems);
    services.push({ name: subgraph.name, url: subgraph.url, typeDefs: connectorCheck.typeDefs });
  }
  if (problems.length === 0) {
    const result = composeServices(services);
    if (result.errors === undefined) return result.supergraphSdl;
    problems.push(...result.errors.map((error) => formatGraphQLError(error)));
  }
  throw new UserFacingError(`Composition failed with ${problems.length} error(s):`, problems);
}

/**
 * Checks a connector subgraph's directives and gives entity types that have connectors but no
 * `@key` the key Apollo's tooling infers, so that schemas written for Apollo Router compose unchanged.
 */
function checkConnectors(
  subgraph: SubgraphSdl,
  typeDefs: DocumentNode,
  connectors: ConnectorsConfig | undefined,
): { problems: string[]; typeDefs: DocumentNode } {
  if (subgraph.type === 'rest' && !subgraph.sdl.includes('specs.apollo.dev/connect/')) {
    return {
      problems: [
        `[${subgraph.name}] a \`rest\` subgraph's schema must link the connect spec: extend schema @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])\n      at ${subgraph.origin}`,
      ],
      typeDefs,
    };
  }
  const config = connectors?.subgraphs[subgraph.name]?.config;
  const { problems, implicitKeys } = checkConnectorSchema(typeDefs, { subgraphName: subgraph.name, config });
  let sdl = subgraph.sdl;
  for (const key of [...implicitKeys].sort((a, b) => b.offset - a.offset)) {
    sdl = `${sdl.slice(0, key.offset)} @${key.directiveName}(fields: "${key.fields.join(' ')}")${sdl.slice(key.offset)}`;
  }
  return {
    problems: problems.map(
      ({ message, location }) => `[${subgraph.name}] ${message}${location ? `\n      at ${location}` : ''}`,
    ),
    typeDefs: implicitKeys.length > 0 ? parse(new Source(sdl, subgraph.origin)) : typeDefs,
  };
}

function formatGraphQLError(error: GraphQLError): string {
  const locations = new Set<string>();
  for (const node of error.nodes ?? []) {
    if (!node.loc) continue;
    const { line, column } = getLocation(node.loc.source, node.loc.start);
    locations.add(`${node.loc.source.name}:${line}:${column}`);
  }
  if (error.source && error.locations) {
    for (const { line, column } of error.locations) locations.add(`${error.source.name}:${line}:${column}`);
  }
  const code = typeof error.extensions.code === 'string' ? ` (${error.extensions.code})` : '';
  const where = locations.size > 0 ? `\n      at ${[...locations].join('\n      at ')}` : '';
  return `${error.message}${code}${where}`;
}

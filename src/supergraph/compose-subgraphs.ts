import { composeServices } from '@apollo/composition';
import { Source, getLocation, parse, type DocumentNode, type GraphQLError } from 'graphql';
import type { ConnectorsConfig } from '../config/connectors-schema.js';
import { checkConnectorSchema } from '../connectors/validate/check-connectors.js';

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

/** One reason the subgraphs do not compose, with where it points. */
export interface ComposeProblem {
  /** Which step found it: parsing one SDL, checking its connectors, or composing them all. */
  kind: 'parse' | 'connectors' | 'composition';
  message: string;
  /** The subgraphs it points into (from its locations, else the one parsed or checked), first first. */
  subgraphs: string[];
  code?: string;
  /** `origin:line:column` (or just the origin when there is no position). */
  locations: string[];
}

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; problems: ComposeProblem[] };

/**
 * Composes the subgraphs with `@apollo/composition`, connector subgraphs included (their
 * directives checked first). Never throws for bad input: every parse, connector and composition
 * error comes back with its subgraph and locations.
 */
export function composeSubgraphs(
  subgraphs: readonly SubgraphSdl[],
  options: ComposeOptions = {},
): ComposeResult {
  const problems: ComposeProblem[] = [];
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  const subgraphOfSource = new Map<string, string>();
  for (const subgraph of subgraphs) {
    subgraphOfSource.set(subgraph.origin, subgraph.name);
    let typeDefs: DocumentNode;
    try {
      typeDefs = parse(new Source(subgraph.sdl, subgraph.origin));
    } catch (error) {
      problems.push(fromGraphQLError('parse', error as GraphQLError, [subgraph.name], subgraphOfSource));
      continue;
    }
    const connectorCheck = checkConnectors(subgraph, typeDefs, options.connectors);
    problems.push(...connectorCheck.problems);
    services.push({ name: subgraph.name, url: subgraph.url, typeDefs: connectorCheck.typeDefs });
  }
  if (problems.length > 0) return { ok: false, problems };
  const result = composeServices(services);
  if (result.errors === undefined) return { ok: true, supergraphSdl: result.supergraphSdl };
  return {
    ok: false,
    problems: result.errors.map((error) => fromGraphQLError('composition', error, [], subgraphOfSource)),
  };
}

/** A problem as one line of text (and its locations below), as `gatehouse compose` prints it. */
export function formatComposeProblem(problem: ComposeProblem): string {
  const subgraph = problem.kind === 'composition' ? '' : `[${problem.subgraphs[0] ?? '?'}] `;
  const code = problem.code === undefined ? '' : ` (${problem.code})`;
  const where = problem.locations.map((location) => `\n      at ${location}`).join('');
  return `${subgraph}${problem.message}${code}${where}`;
}

/**
 * Checks a connector subgraph's directives and gives entity types that have connectors but no
 * `@key` the key Apollo's tooling infers, so that schemas written for Apollo Router compose unchanged.
 */
function checkConnectors(
  subgraph: SubgraphSdl,
  typeDefs: DocumentNode,
  connectors: ConnectorsConfig | undefined,
): { problems: ComposeProblem[]; typeDefs: DocumentNode } {
  if (subgraph.type === 'rest' && !subgraph.sdl.includes('specs.apollo.dev/connect/')) {
    return {
      problems: [
        {
          kind: 'connectors',
          message:
            'a `rest` subgraph\'s schema must link the connect spec: extend schema @link(url: "https://specs.apollo.dev/connect/v0.1", import: ["@source", "@connect"])',
          subgraphs: [subgraph.name],
          locations: [subgraph.origin],
        },
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
    problems: problems.map(({ message, location }) => ({
      kind: 'connectors',
      message,
      subgraphs: [subgraph.name],
      locations: location === undefined ? [] : [location],
    })),
    typeDefs: implicitKeys.length > 0 ? parse(new Source(sdl, subgraph.origin)) : typeDefs,
  };
}

function fromGraphQLError(
  kind: ComposeProblem['kind'],
  error: GraphQLError,
  subgraphs: string[],
  subgraphOfSource: ReadonlyMap<string, string>,
): ComposeProblem {
  const locations = new Set<string>();
  const named = new Set(subgraphs);
  const note = (sourceName: string, line: number, column: number) => {
    locations.add(`${sourceName}:${line}:${column}`);
    const subgraph = subgraphOfSource.get(sourceName);
    if (subgraph !== undefined) named.add(subgraph);
  };
  for (const node of error.nodes ?? []) {
    if (!node.loc) continue;
    const { line, column } = getLocation(node.loc.source, node.loc.start);
    note(node.loc.source.name, line, column);
  }
  if (error.source && error.locations) {
    for (const { line, column } of error.locations) note(error.source.name, line, column);
  }
  const code = typeof error.extensions.code === 'string' ? error.extensions.code : undefined;
  return {
    kind,
    message: error.message,
    subgraphs: [...named],
    ...(code === undefined ? {} : { code }),
    locations: [...locations],
  };
}

import type { ConnectorsConfig } from '../config/connectors-schema.js';
import { UserFacingError } from '../errors.js';
import type { ConnectArgs, HeaderArgs, HttpMethod } from './directive-args.js';
import {
  SelectionSyntaxError,
  parseSelection,
  parseTemplate,
  variableReferences,
  type Selection,
  type Template,
} from './language/index.js';
import type { ConnectorCoordinate, ConnectorGraph } from './supergraph.js';

export interface CompiledHeader {
  name: string;
  /** The client request header it is copied from. */
  from?: string;
  value?: Template;
}

export interface CompiledSource {
  name: string;
  baseURL: URL;
  headers: CompiledHeader[];
  /** Headers from the gateway config, added last. */
  configHeaders: Readonly<Record<string, string>>;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface CompiledConnector {
  id: string;
  coordinate: ConnectorCoordinate;
  method: HttpMethod;
  url: Template;
  headers: CompiledHeader[];
  body: Selection | undefined;
  selection: Selection;
  source: CompiledSource | undefined;
  entity: boolean;
  timeoutMs: number;
  /** Largest response body read, from the source's settings or `connectors.maxResponseBytes`. */
  maxResponseBytes: number;
  batchMaxSize: number | undefined;
  /** The `$batch.<field>` fields it reads; undefined when it does not batch. */
  batchFields: string[] | undefined;
  /** The `$this.<field>` fields it reads. */
  thisFields: string[];
  /** The `$args.<name>` arguments it reads. */
  argNames: string[];
}

/** Parses every template and selection of a connector subgraph; a mistake names the connector. */
export function compileConnectorGraph(
  graph: ConnectorGraph,
  settings: ConnectorsConfig,
): CompiledConnector[] {
  const subgraphSettings = settings.subgraphs[graph.name];
  const config = subgraphSettings?.config ?? {};
  const sources = new Map<string, CompiledSource>(
    graph.sources.map((source) => {
      const override = subgraphSettings?.sources?.[source.name];
      const where = `${graph.name}: @source(name: "${source.name}")`;
      return [
        source.name,
        {
          name: source.name,
          baseURL: new URL(override?.baseURL ?? source.baseURL),
          headers: source.headers.map((header, index) => {
            const compiled = compileHeader(header, `${where} http.headers[${index}]`);
            if (compiled.value) requireConfig([compiled.value], config, where, graph.name);
            return compiled;
          }),
          configHeaders: override?.headers ?? {},
          timeoutMs: override?.timeoutMs ?? settings.timeoutMs,
          maxResponseBytes: override?.maxResponseBytes ?? settings.maxResponseBytes,
        },
      ];
    }),
  );
  for (const name of Object.keys(subgraphSettings?.sources ?? {})) {
    if (!sources.has(name)) {
      throw new UserFacingError(
        `connectors.subgraphs.${graph.name}.sources.${name}: subgraph "${graph.name}" has no @source named "${name}" (it has: ${[...sources.keys()].join(', ') || 'none'}).`,
      );
    }
  }
  return graph.connectors.map(({ id, coordinate, args }) => {
    const source = args.source === undefined ? undefined : sources.get(args.source);
    if (args.source !== undefined && !source) {
      throw new UserFacingError(`${id}: there is no @source named "${args.source}".`);
    }
    const connector = compileConnector(id, coordinate, args, source, settings);
    const templates = [connector.url, ...connector.headers.flatMap((header) => header.value ?? [])];
    requireConfig(
      [...templates, ...(connector.body ? [connector.body] : []), connector.selection],
      config,
      id,
      graph.name,
    );
    return connector;
  });
}

/**
 * A `$config` value missing from the gateway config would silently render as an empty string; the
 * compose-time check catches it too, but a supergraph file may meet another config.
 */
function requireConfig(
  nodes: readonly (Template | Selection)[],
  config: Readonly<Record<string, unknown>>,
  where: string,
  subgraph: string,
): void {
  for (const reference of nodes.flatMap((node) => variableReferences(node))) {
    const [name] = reference.path;
    if (reference.variable === '$config' && name !== undefined && !(name in config)) {
      throw new UserFacingError(
        `${where}: $config.${name} is not set: add it under connectors.subgraphs.${subgraph}.config.`,
      );
    }
  }
}

function compileConnector(
  id: string,
  coordinate: ConnectorCoordinate,
  args: ConnectArgs,
  source: CompiledSource | undefined,
  defaults: Pick<ConnectorsConfig, 'timeoutMs' | 'maxResponseBytes'>,
): CompiledConnector {
  const url = parsed(() => parseTemplate(args.url), `${id} http.${args.method}`);
  const body =
    args.body === undefined
      ? undefined
      : parsed(() => parseSelection(args.body as string), `${id} http.body`);
  const selection = parsed(() => parseSelection(args.selection), `${id} selection`);
  const headers = args.headers.map((header, index) => compileHeader(header, `${id} http.headers[${index}]`));
  const references = [
    url,
    ...(body ? [body] : []),
    ...headers.flatMap((header) => (header.value ? [header.value] : [])),
  ].flatMap((node) => variableReferences(node));
  const fieldsOf = (variable: string) => [
    ...new Set(references.flatMap((ref) => (ref.variable === variable && ref.path[0] ? [ref.path[0]] : []))),
  ];
  const batchFields = references.some((ref) => ref.variable === '$batch') ? fieldsOf('$batch') : undefined;
  return {
    id,
    coordinate,
    method: args.method,
    url,
    headers,
    body,
    selection,
    source,
    entity: args.entity,
    timeoutMs: source?.timeoutMs ?? defaults.timeoutMs,
    maxResponseBytes: source?.maxResponseBytes ?? defaults.maxResponseBytes,
    batchMaxSize: args.batchMaxSize,
    batchFields,
    thisFields: fieldsOf('$this'),
    argNames: fieldsOf('$args'),
  };
}

function compileHeader(header: HeaderArgs, where: string): CompiledHeader {
  if (header.from !== undefined) return { name: header.name, from: header.from.toLowerCase() };
  return { name: header.name, value: parsed(() => parseTemplate(header.value ?? ''), `${where}.value`) };
}

function parsed<T>(parse: () => T, where: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SelectionSyntaxError) {
      throw new UserFacingError(`${where}: ${error.message} (line ${error.line}, column ${error.column})`);
    }
    throw error;
  }
}

import { Supergraph, printSchema } from '@apollo/federation-internals';
import {
  Kind,
  parse,
  print,
  valueFromASTUntyped,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { UserFacingError } from '../errors.js';
import {
  DirectiveArgsError,
  readConnectArgs,
  readSourceArgs,
  type ConnectArgs,
  type SourceArgs,
} from './directive-args.js';

/** Where a `@connect` sits: on a type (an entity connector) or on one of its fields. */
export interface ConnectorCoordinate {
  typeName: string;
  fieldName?: string;
}

export interface ConnectorDefinition {
  /** Apollo's coordinate, e.g. `inventory:Query.stock@connect[0]`; shown in errors. */
  id: string;
  coordinate: ConnectorCoordinate;
  args: ConnectArgs;
}

/** One connector subgraph as the supergraph describes it. */
export interface ConnectorGraph {
  name: string;
  /** The subgraph's own schema (federation directives included), extracted from the supergraph. */
  subgraphSdl: string;
  sources: SourceArgs[];
  connectors: ConnectorDefinition[];
}

export interface ExtractedConnectors {
  /** The supergraph without the connect link and its `@join__directive`s, which the stock loader refuses. */
  servableSdl: string;
  graphs: ConnectorGraph[];
}

/** The URL of any version of the connect spec, as `@link` names it. */
export const CONNECT_SPEC = /^https:\/\/specs\.apollo\.dev\/connect\/v\d+\.\d+$/;

interface ConnectNames {
  connect: string;
  source: string;
}

/**
 * Takes the connectors out of a supergraph composed from connector subgraphs (by `gatehouse compose`
 * or by Apollo's tooling: both record them as `@join__directive`s).
 */
export function extractConnectors(supergraphSdl: string): ExtractedConnectors {
  if (!supergraphSdl.includes('specs.apollo.dev/connect/')) return { servableSdl: supergraphSdl, graphs: [] };
  const document = parse(supergraphSdl);
  const graphNames = joinGraphNames(document);
  const namesByGraph = new Map<string, ConnectNames>();
  for (const directive of joinDirectives(document)) {
    const { name, args } = joinDirectiveArgs(directive);
    if (name === 'link' && typeof args.url === 'string' && CONNECT_SPEC.test(args.url)) {
      for (const graph of directiveGraphs(directive)) namesByGraph.set(graph, importedNames(args));
    }
  }
  const sources = new Map<string, SourceArgs[]>();
  const connectors = new Map<string, ConnectorDefinition[]>();
  const isConnectorDirective = (directive: ConstDirectiveNode, typeName?: string, fieldName?: string) => {
    if (directive.name.value !== 'join__directive') return false;
    const { name, args } = joinDirectiveArgs(directive);
    if (name === 'link') return typeof args.url === 'string' && CONNECT_SPEC.test(args.url);
    let matched = false;
    for (const graph of directiveGraphs(directive)) {
      const names = namesByGraph.get(graph);
      if (!names) continue;
      const subgraph = graphNames.get(graph) ?? graph;
      if (name === names.source && typeName === undefined) {
        matched = true;
        pushTo(
          sources,
          subgraph,
          readArgs(() => readSourceArgs(args), `${subgraph}: @source`),
        );
      } else if (name === names.connect && typeName !== undefined) {
        matched = true;
        const list = connectors.get(subgraph) ?? [];
        const where = fieldName === undefined ? typeName : `${typeName}.${fieldName}`;
        const index = list.filter((c) => sameCoordinate(c.coordinate, typeName, fieldName)).length;
        const id = `${subgraph}:${where}@connect[${index}]`;
        list.push({
          id,
          coordinate: fieldName === undefined ? { typeName } : { typeName, fieldName },
          args: readArgs(() => readConnectArgs(args), id),
        });
        connectors.set(subgraph, list);
      }
    }
    return matched;
  };
  const stripType = <T extends ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode>(node: T): T => {
    const typeName = node.name.value;
    return {
      ...node,
      directives: node.directives?.filter((directive) => !isConnectorDirective(directive, typeName)),
      fields: node.fields?.map((field) => ({
        ...field,
        directives: field.directives?.filter(
          (directive) => !isConnectorDirective(directive, typeName, field.name.value),
        ),
      })),
    };
  };
  const stripped = visit(document, {
    SchemaDefinition(node) {
      return {
        ...node,
        directives: node.directives?.filter(
          (directive) => !isConnectLink(directive) && !isConnectorDirective(directive),
        ),
      };
    },
    ObjectTypeDefinition: stripType,
    // An @interfaceObject's connectors sit on the interface in the supergraph.
    InterfaceTypeDefinition: stripType,
  });
  const servableSdl = print(stripped);
  const names = new Set([...sources.keys(), ...connectors.keys()]);
  if (names.size === 0) return { servableSdl, graphs: [] };
  const supergraph = Supergraph.build(servableSdl, { supportedFeatures: null });
  const subgraphs = supergraph.subgraphs();
  const graphs = [...names].map((name) => {
    const subgraph = subgraphs.get(name);
    if (!subgraph)
      throw new UserFacingError(`The supergraph has connectors for an unknown subgraph "${name}".`);
    return {
      name,
      subgraphSdl: printSchema(subgraph.schema),
      sources: sources.get(name) ?? [],
      connectors: connectors.get(name) ?? [],
    };
  });
  return { servableSdl, graphs };
}

function sameCoordinate(coordinate: ConnectorCoordinate, typeName: string, fieldName?: string): boolean {
  return coordinate.typeName === typeName && coordinate.fieldName === fieldName;
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function readArgs<T>(read: () => T, where: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DirectiveArgsError) {
      throw new UserFacingError(`Invalid connector in the supergraph: ${where}: ${error.message}`);
    }
    throw error;
  }
}

function isConnectLink(directive: ConstDirectiveNode): boolean {
  if (directive.name.value !== 'link') return false;
  const url = directive.arguments?.find((argument) => argument.name.value === 'url')?.value;
  return url?.kind === Kind.STRING && CONNECT_SPEC.test(url.value);
}

/** The enum value of each graph (INVENTORY) mapped to its subgraph name (inventory). */
function joinGraphNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  const graphEnum = document.definitions.find(
    (definition): definition is EnumTypeDefinitionNode =>
      definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph',
  );
  for (const value of graphEnum?.values ?? []) {
    const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
    const name = graph?.arguments?.find((argument) => argument.name.value === 'name')?.value;
    if (name?.kind === Kind.STRING) names.set(value.name.value, name.value);
  }
  return names;
}

function* joinDirectives(document: DocumentNode): Generator<ConstDirectiveNode> {
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION) {
      yield* (definition.directives ?? []).filter((directive) => directive.name.value === 'join__directive');
    }
  }
}

function joinDirectiveArgs(directive: ConstDirectiveNode): { name: string; args: Record<string, unknown> } {
  let name = '';
  let args: Record<string, unknown> = {};
  for (const argument of directive.arguments ?? []) {
    if (argument.name.value === 'name' && argument.value.kind === Kind.STRING) name = argument.value.value;
    if (argument.name.value === 'args') {
      const value = valueFromASTUntyped(argument.value) as unknown;
      if (typeof value === 'object' && value !== null) args = value as Record<string, unknown>;
    }
  }
  return { name, args };
}

function directiveGraphs(directive: ConstDirectiveNode): string[] {
  const graphs = directive.arguments?.find((argument) => argument.name.value === 'graphs')?.value;
  if (graphs?.kind === Kind.LIST) {
    return graphs.values.flatMap((value) => (value.kind === Kind.ENUM ? [value.value] : []));
  }
  return graphs?.kind === Kind.ENUM ? [graphs.value] : [];
}

/** The names a subgraph's `@link(url: ".../connect/…", as:, import:)` gives `@connect` and `@source`. */
export function importedNames(link: Record<string, unknown>): ConnectNames {
  const prefix = typeof link.as === 'string' ? link.as : 'connect';
  // A spec's own-name directive takes the link's name; its others are prefixed with it.
  const names: ConnectNames = { connect: prefix, source: `${prefix}__source` };
  const imports = Array.isArray(link.import) ? link.import : [];
  for (const entry of imports as unknown[]) {
    const [original, alias] =
      typeof entry === 'string'
        ? [entry, entry]
        : typeof entry === 'object' && entry !== null
          ? [
              (entry as { name?: unknown }).name,
              (entry as { as?: unknown }).as ?? (entry as { name?: unknown }).name,
            ]
          : [undefined, undefined];
    if (typeof original !== 'string' || typeof alias !== 'string') continue;
    if (original === '@connect') names.connect = alias.replace(/^@/, '');
    if (original === '@source') names.source = alias.replace(/^@/, '');
  }
  return names;
}

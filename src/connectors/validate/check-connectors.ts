import {
  Kind,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type StringValueNode,
} from 'graphql';
import { DirectiveArgsError, readConnectArgs, readSourceArgs, type ConnectArgs } from '../directive-args.js';
import {
  SelectionSyntaxError,
  parseSelection,
  parseTemplate,
  selectionShape,
  variableReferences,
  type OutputShape,
  type Selection,
  type Template,
} from '../language/index.js';
import type { Connector, Placement, Report } from './connector-model.js';
import { checkEntityCoverage, inferImplicitKeys, type ImplicitKey } from './entity-keys.js';
import { nodeLocation, positionInString } from './locate.js';
import {
  argumentsOf,
  isListType,
  namedType,
  readSchemaModel,
  type SchemaModel,
  type TypeModel,
} from './schema-model.js';

export interface ConnectorCheck {
  problems: ConnectorProblem[];
  implicitKeys: ImplicitKey[];
}

/** One mistake in a connector schema, with where it is (`file:line:column`). */
export interface ConnectorProblem {
  message: string;
  location: string | undefined;
}

export interface ConnectorCheckOptions {
  subgraphName: string;
  /** `connectors.subgraphs.<name>.config`, which `$config` reads; undefined when not configured. */
  config: Readonly<Record<string, unknown>> | undefined;
}

const VARIABLES: Record<Placement, readonly string[]> = {
  root: ['$args', '$config', '$context', '$request'],
  field: ['$args', '$this', '$config', '$context', '$request'],
  type: ['$this', '$batch', '$config', '$context', '$request'],
};
/** The mapping of a response may also read the response's status. */
const RESPONSE_VARIABLES = ['$status'];

/**
 * Checks the `@source` and `@connect` directives of a connector subgraph before composition: that
 * they are well formed, that every template variable exists, that selections name fields of their
 * type, and that entity connectors cover the keys. An SDL without the connect link has nothing to check.
 */
export function checkConnectorSchema(document: DocumentNode, options: ConnectorCheckOptions): ConnectorCheck {
  const model = readSchemaModel(document);
  if (!model) return { problems: [], implicitKeys: [] };
  const problems: ConnectorProblem[] = [];
  const report = (message: string, location: string | undefined) => problems.push({ message, location });
  const sources = readSources(model, report);
  const connectors: Connector[] = [];
  for (const type of model.objectTypes.values()) {
    const isRoot = model.rootTypes.has(type.name);
    for (const directive of type.directives.filter((d) => d.name.value === model.connectName)) {
      if (isRoot) {
        report(
          `@connect cannot be applied to the root type ${type.name}; put it on a field.`,
          nodeLocation(directive),
        );
        continue;
      }
      const connector = readConnector(model, directive, type, undefined, 'type', report);
      if (connector) connectors.push(connector);
    }
    for (const [fieldName, field] of type.fields) {
      for (const directive of (field.directives ?? []).filter((d) => d.name.value === model.connectName)) {
        const connector = readConnector(model, directive, type, fieldName, isRoot ? 'root' : 'field', report);
        if (connector) connectors.push(connector);
      }
    }
  }
  for (const connector of connectors) {
    const where = coordinateOf(connector);
    if (connector.args.source !== undefined && !sources.has(connector.args.source)) {
      const known = [...sources].map((name) => `"${name}"`).join(', ') || 'none';
      report(
        `${where}: there is no @source named "${connector.args.source}" (defined: ${known}).`,
        nodeLocation(connector.directive),
      );
    }
    if (connector.args.entity) checkEntityField(model, connector, report);
    checkBatchKeysSelected(connector, report);
    checkVariables(model, connector, options, report);
    if (connector.shape && connector.target)
      checkShape(model, connector.shape, connector.target, where, connector.selectionNode, report);
    else if (connector.shape?.kind === 'object' && !connector.target) {
      report(
        `${where}: the selection maps fields, but ${connector.targetName} is not an object type.`,
        nodeLocation(connector.selectionNode),
      );
    }
  }
  const implicitKeys = inferImplicitKeys(model, connectors);
  checkEntityCoverage(model, connectors, report);
  return { problems, implicitKeys };
}

function coordinateOf(connector: Pick<Connector, 'type' | 'fieldName'>): string {
  return `@connect on ${connector.type.name}${connector.fieldName === undefined ? '' : `.${connector.fieldName}`}`;
}

function readSources(model: SchemaModel, report: Report): Set<string> {
  const names = new Set<string>();
  for (const directive of model.schemaDirectives.filter((d) => d.name.value === model.sourceName)) {
    try {
      const { name } = readSourceArgs(argumentsOf(directive));
      if (names.has(name)) report(`@source "${name}" is defined twice.`, nodeLocation(directive));
      names.add(name);
    } catch (error) {
      if (!(error instanceof DirectiveArgsError)) throw error;
      report(`@source: ${error.message}`, nodeLocation(argumentNode(directive, error.path) ?? directive));
    }
  }
  return names;
}

function readConnector(
  model: SchemaModel,
  directive: ConstDirectiveNode,
  type: TypeModel,
  fieldName: string | undefined,
  placement: Placement,
  report: Report,
): Connector | undefined {
  const where = coordinateOf({ type, fieldName });
  let args: ConnectArgs;
  try {
    args = readConnectArgs(argumentsOf(directive));
  } catch (error) {
    if (!(error instanceof DirectiveArgsError)) throw error;
    report(`${where}: ${error.message}`, nodeLocation(argumentNode(directive, error.path) ?? directive));
    return undefined;
  }
  const field = fieldName === undefined ? undefined : type.fields.get(fieldName);
  const targetName = field ? namedType(field.type) : type.name;
  const references: Connector['references'] = [];
  const parse = <T extends Selection | Template>(
    path: string,
    parseText: (text: string) => T,
    inSelection = false,
  ): T | undefined => {
    const node = stringArgument(directive, path);
    const text = node?.value;
    if (text === undefined) return undefined;
    try {
      const parsed = parseText(text);
      references.push(
        ...variableReferences(parsed).map((reference) => ({ ...reference, node, inSelection })),
      );
      return parsed;
    } catch (error) {
      if (!(error instanceof SelectionSyntaxError)) throw error;
      const message = error.message.replace(/ \(line \d+, column \d+\)$/, '');
      report(
        `${where}: ${path}: ${message}`,
        node ? positionInString(node, error.line, error.column) : nodeLocation(directive),
      );
      return undefined;
    }
  };
  parse(`http.${args.method}`, parseTemplate);
  if (args.body !== undefined) parse('http.body', parseSelection);
  args.headers.forEach((header, index) => {
    if (header.value !== undefined) parse(`http.headers[${index}].value`, parseTemplate);
  });
  const requestReferences = references.length;
  const selection = parse('selection', parseSelection);
  // Tag the selection's references so that `$status` is allowed there only.
  for (const reference of references.slice(requestReferences))
    Object.assign(reference, { inSelection: true });
  return {
    directive,
    args,
    type,
    fieldName,
    placement,
    target: model.objectTypes.get(targetName),
    targetName,
    references,
    shape: selection ? selectionShape(selection) : undefined,
    selectionNode: stringArgument(directive, 'selection'),
  };
}

function checkEntityField(model: SchemaModel, connector: Connector, report: Report): void {
  const where = coordinateOf(connector);
  const field =
    connector.fieldName === undefined ? undefined : connector.type.fields.get(connector.fieldName);
  if (connector.placement !== 'root' || connector.type.name !== 'Query' || !field) {
    report(
      `${where}: \`entity: true\` is only allowed on fields of Query.`,
      nodeLocation(connector.directive),
    );
    return;
  }
  if (isListType(field.type) || !connector.target) {
    report(
      `${where}: \`entity: true\` needs a field that returns one object, not ${connector.targetName}${isListType(field.type) ? ' in a list' : ''}.`,
      nodeLocation(connector.directive),
    );
  }
}

function checkVariables(
  model: SchemaModel,
  connector: Connector,
  options: ConnectorCheckOptions,
  report: Report,
): void {
  const where = coordinateOf(connector);
  const field =
    connector.fieldName === undefined ? undefined : connector.type.fields.get(connector.fieldName);
  const argumentNames = new Set((field?.arguments ?? []).map((argument) => argument.name.value));
  for (const reference of connector.references as (Connector['references'][number] & {
    inSelection?: boolean;
  })[]) {
    const at = reference.node
      ? positionInString(reference.node, reference.line, reference.column)
      : nodeLocation(connector.directive);
    const allowed = [...VARIABLES[connector.placement], ...(reference.inSelection ? RESPONSE_VARIABLES : [])];
    if (!allowed.includes(reference.variable)) {
      report(`${where}: ${reference.variable} is not available here; use one of ${allowed.join(', ')}.`, at);
      continue;
    }
    const [first] = reference.path;
    if (first === undefined) continue;
    if (reference.variable === '$args' && !argumentNames.has(first)) {
      report(
        `${where}: $args.${first}: ${connector.type.name}.${connector.fieldName} has no argument "${first}".`,
        at,
      );
    }
    if (
      (reference.variable === '$this' || reference.variable === '$batch') &&
      !connector.type.fields.has(first)
    ) {
      report(`${where}: ${reference.variable}.${first}: ${connector.type.name} has no field "${first}".`, at);
    }
    if (reference.variable === '$config' && !(options.config && first in options.config)) {
      report(
        `${where}: $config.${first} is not set: add it under connectors.subgraphs.${options.subgraphName}.config in the gateway config.`,
        at,
      );
    }
  }
}

function checkShape(
  model: SchemaModel,
  shape: OutputShape,
  type: TypeModel,
  where: string,
  node: StringValueNode | undefined,
  report: Report,
): void {
  if (shape.kind !== 'object') return;
  for (const [name, { shape: fieldShape, line, column }] of shape.fields) {
    const at = node ? positionInString(node, line, column) : undefined;
    const field = type.fields.get(name);
    if (!field) {
      report(`${where}: the selection maps "${name}", but ${type.name} has no field "${name}".`, at);
      continue;
    }
    const fieldTypeName = namedType(field.type);
    const fieldType = model.objectTypes.get(fieldTypeName);
    if (fieldType) checkShape(model, fieldShape, fieldType, where, node, report);
    else if (fieldShape.kind === 'object') {
      report(
        `${where}: the selection maps fields into "${name}", but ${type.name}.${name} is a ${fieldTypeName}, not an object type.`,
        at,
      );
    }
  }
}

/** Batched results are matched to entities by the `$batch` fields, so the selection must map them. */
function checkBatchKeysSelected(connector: Connector, report: Report): void {
  if (connector.shape?.kind !== 'object') return;
  const mapped = connector.shape.fields;
  const batchFields = connector.references
    .filter((reference) => !reference.inSelection && reference.variable === '$batch')
    .flatMap((reference) => reference.path.slice(0, 1));
  for (const field of new Set(batchFields)) {
    if (mapped.has(field)) continue;
    report(
      `${coordinateOf(connector)}: the selection must map "${field}": results are matched to the entities of $batch by it.`,
      nodeLocation(connector.selectionNode),
    );
  }
}

/** The string node of an argument of `@connect`, by its path (`selection`, `http.GET`, `http.headers[0].value`). */
function stringArgument(directive: ConstDirectiveNode, path: string): StringValueNode | undefined {
  const node = argumentNode(directive, path);
  return node?.kind === Kind.STRING ? node : undefined;
}

function argumentNode(directive: ConstDirectiveNode, path: string): ConstValueNode | undefined {
  const [head, ...rest] = path.split('.');
  let node: ConstValueNode | undefined = directive.arguments?.find(
    (argument) => argument.name.value === head,
  )?.value;
  for (const segment of rest) {
    const match = /^([^[]+)(?:\[(\d+)\])?$/.exec(segment);
    if (!match || node?.kind !== Kind.OBJECT) return node;
    node = node.fields.find((field) => field.name.value === match[1])?.value;
    if (match[2] !== undefined) node = node?.kind === Kind.LIST ? node.values[Number(match[2])] : node;
  }
  return node;
}

import type { ArgModel, ConnectorModel, FieldModel, SkippedOperation, TypeModel } from './model.js';
import { printType } from './model.js';
import { selectionFor } from './selection.js';

export const FEDERATION_URL = 'https://specs.apollo.dev/federation/v2.10';
export const CONNECT_URL = 'https://specs.apollo.dev/connect/v0.1';

export interface SchemaModel {
  sourceName: string;
  baseUrl: string;
  /** Lines of the header comment (what it was generated from). */
  header: string[];
  connectors: ConnectorModel[];
  skipped: SkippedOperation[];
  types: ReadonlyMap<string, TypeModel>;
  usesJson: boolean;
}

/** Prints the connector subgraph SDL: header comment, schema extension, Query, then the types. */
export function printConnectorSchema(model: SchemaModel): string {
  const out: string[] = model.header.map((line) => `# ${line}`.trimEnd());
  if (model.skipped.length > 0) {
    out.push('#', '# Not generated:');
    for (const op of model.skipped) {
      out.push(`#   ${op.method} ${op.path}${op.operationId ? ` (${op.operationId})` : ''}: ${op.reason}`);
    }
  }
  out.push(
    'extend schema',
    `  @link(url: "${FEDERATION_URL}", import: ["@key"])`,
    `  @link(url: "${CONNECT_URL}", import: ["@source", "@connect"])`,
    `  @source(name: ${JSON.stringify(model.sourceName)}, http: { baseURL: ${JSON.stringify(model.baseUrl)} })`,
    '',
    'type Query {',
  );
  model.connectors.forEach((connector, index) => {
    if (index > 0) out.push('');
    out.push(...printConnector(connector, model));
  });
  out.push('}');
  for (const type of model.types.values()) out.push('', ...printTypeModel(type));
  if (model.usesJson) {
    out.push(
      '',
      '"Any JSON value: used where the OpenAPI schema is oneOf/anyOf or a free-form object."',
      'scalar JSON',
    );
  }
  return `${out.join('\n')}\n`;
}

function printConnector(connector: ConnectorModel, model: SchemaModel): string[] {
  const lines = connector.comments.map((comment) => `  # ${comment}`);
  lines.push(...description(connector.description, '  '));
  const selection = selectionFor(connector.type, model.types);
  lines.push(
    `  ${connector.name}${printArgs(connector.args)}: ${printType(connector.type)}${connector.deprecated ? ' @deprecated' : ''}`,
    `    @connect(source: ${JSON.stringify(model.sourceName)}, http: { GET: ${JSON.stringify(connector.url)} }, selection: """`,
    ...selection.map((line) => `    ${line}`),
    '    """)',
  );
  return lines;
}

function printArgs(args: ArgModel[]): string {
  if (args.length === 0) return '';
  if (args.every((arg) => arg.description === undefined)) {
    return `(${args.map((arg) => `${arg.name}: ${printType(arg.type)}`).join(', ')})`;
  }
  const lines = args.flatMap((arg) => [
    ...description(arg.description, '    '),
    `    ${arg.name}: ${printType(arg.type)}`,
  ]);
  return `(\n${lines.join('\n')}\n  )`;
}

function printTypeModel(type: TypeModel): string[] {
  switch (type.kind) {
    case 'object':
      return [
        ...description(type.description, ''),
        `type ${type.name} {`,
        ...type.fields.flatMap((field) => printField(field)),
        '}',
      ];
    case 'enum':
      return [
        ...type.comments.map((comment) => `# ${comment}`),
        ...description(type.description, ''),
        `enum ${type.name} {`,
        ...type.values.map((value) => `  ${value.name}`),
        '}',
      ];
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function printField(field: FieldModel): string[] {
  return [
    ...field.comments.map((comment) => `  # ${comment}`),
    ...description(field.description, '  '),
    `  ${field.name}: ${printType(field.type)}${field.deprecated ? ' @deprecated' : ''}`,
  ];
}

/** A GraphQL description: a one-line string, or a block string for text with line breaks. */
function description(text: string | undefined, indent: string): string[] {
  if (text === undefined) return [];
  if (!text.includes('\n')) return [`${indent}${JSON.stringify(text)}`];
  const body = text.replaceAll('"""', '\\"""').split('\n');
  return [`${indent}"""`, ...body.map((line) => (line.trim() ? `${indent}${line}` : '')), `${indent}"""`];
}

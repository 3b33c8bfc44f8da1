import { z } from 'zod';
import { configSchema } from './schema.js';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  default?: unknown;
}

/**
 * The README's configuration reference, generated from the schema itself so the two cannot
 * drift apart (a test compares them).
 */
export function configReference(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const rows: string[] = [];
  const walk = (node: JsonSchemaNode, path: string, defaultValue: unknown) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const childPath = path ? `${path}.${key}` : key;
      // Defaults inside optional sections (an issuer, the authorizer) come from the field's own schema.
      const childDefault = isRecord(defaultValue) ? defaultValue[key] : child.default;
      const isNested = child.properties !== undefined;
      rows.push(
        `| \`${childPath}\` | ${typeName(child)} | ${isNested ? '' : formatDefault(childDefault)} | ${child.description ?? ''} |`,
      );
      if (isNested) walk(child, childPath, childDefault);
      if (child.items?.properties) walk(child.items, `${childPath}[]`, undefined);
    }
  };
  walk(root, '', defaults);
  return ['| field | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

function typeName(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (node.type === 'array')
    return `list of ${node.items?.properties ? 'objects' : typeName(node.items ?? {})}`;
  if (node.type === 'object' && !node.properties) return 'map';
  if (Array.isArray(node.type)) return node.type.join(' \\| ');
  return node.type ?? 'any';
}

function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value) && value.length === 0) return '`[]`';
  return `\`${JSON.stringify(value)}\``;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

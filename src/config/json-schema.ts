import { z } from 'zod';
import { configSchema } from './schema.js';

/** A JSON Schema node, as far as this module reads and rewrites it. */
export type JsonSchema = { [key: string]: unknown } & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  required?: string[];
};

/** Any string holding a `${env:NAME}` reference: it may stand where a number, an enum or a URL goes. */
const ENV_REFERENCE: JsonSchema = {
  type: 'string',
  pattern: '\\$\\{env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}',
};

/**
 * A JSON Schema (draft-07, which editors' YAML plugins support best) of gatehouse.yaml as written,
 * generated from the zod schema: the input side, before defaults and transforms. Two things the zod
 * schema cannot say are added: a `${env:NAME}` reference is accepted wherever a value is typed (the
 * loader replaces it before validating), and `stages.<name>` takes any part of the config plus
 * `production`.
 */
export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
  }) as JsonSchema;
  const root = allowEnvReferences(generated);
  const { stages, ...topLevel } = root.properties ?? {};
  const flags = (stages?.additionalProperties as JsonSchema | undefined)?.properties ?? {};
  const overlay: JsonSchema = {
    type: 'object',
    description: 'Fields of this file to deep-merge over the rest for this stage, and `production`.',
    properties: { ...flags, ...mapValues(topLevel, optionalFields) },
    additionalProperties: false,
  };
  return {
    ...root,
    title: 'gatehouse.yaml',
    description: 'Configuration of the Gatehouse gateway (`gatehouse config schema`).',
    properties: { ...topLevel, ...(stages ? { stages: { ...stages, additionalProperties: overlay } } : {}) },
  };
}

/** Every typed value also accepts a string with a `${env:…}` reference. */
function allowEnvReferences(node: JsonSchema): JsonSchema {
  if (node.properties || node.items || node.anyOf || isSchema(node.additionalProperties)) {
    return {
      ...node,
      ...(node.properties ? { properties: mapValues(node.properties, allowEnvReferences) } : {}),
      ...(node.items ? { items: allowEnvReferences(node.items) } : {}),
      ...(node.anyOf ? { anyOf: node.anyOf.map(allowEnvReferences) } : {}),
      ...(isSchema(node.additionalProperties)
        ? { additionalProperties: allowEnvReferences(node.additionalProperties) }
        : {}),
    };
  }
  const constrained = ['pattern', 'format', 'enum', 'const'].some((key) => key in node);
  const typed = node.type !== undefined && node.type !== 'string';
  if (!typed && !constrained) return node;
  const { description, default: defaultValue, ...value } = node;
  return {
    ...(description === undefined ? {} : { description }),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    anyOf: [value, ENV_REFERENCE],
  };
}

/**
 * An overlay sets only what differs, and deep-merges into the file, so no field of a mapping is
 * required there; lists replace the file's, so their items keep their required fields.
 */
function optionalFields(node: JsonSchema): JsonSchema {
  const { required: _required, ...rest } = node;
  return {
    ...rest,
    ...(node.properties ? { properties: mapValues(node.properties, optionalFields) } : {}),
    ...(node.anyOf ? { anyOf: node.anyOf.map(optionalFields) } : {}),
  };
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

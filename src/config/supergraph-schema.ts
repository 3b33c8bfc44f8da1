import { z } from 'zod';
import { boolean, integer } from './primitives.js';

/**
 * Where the served supergraph comes from, and the registry a gateway can embed. A plain string in
 * `supergraph:` is a file path, as before; the object form picks one source and its options.
 */

export const STAGE_NAME = /^[a-z][a-z0-9-]*$/;

/** The supergraph source after validation (file paths still relative; `load.ts` resolves them). */
export type SupergraphSourceConfig =
  | { readonly kind: 'file'; readonly path: string; readonly watch: boolean }
  | {
      readonly kind: 'url';
      readonly url: string;
      readonly pollIntervalMs: number;
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'registry';
      /** The registry's base URL, or `embedded` for the registry this gateway runs itself. */
      readonly registry: string;
      /** The stage followed; defaults to the gateway's own stage. */
      readonly stage: string | undefined;
      readonly token: string | undefined;
    };

const sourceObject = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .optional()
      .describe('Path to a composed supergraph SDL, relative to the config file.'),
    watch: boolean()
      .default(false)
      .describe('With `file`: load the file again whenever it changes (`--watch` sets it).'),
    url: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .optional()
      .describe('Poll a supergraph SDL from this URL, with `If-None-Match` (ETag).'),
    pollIntervalMs: integer(100)
      .default(10_000)
      .describe('With `url`: time between polls; failures back off up to ten times as long.'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('With `url`: headers sent with every poll, e.g. `authorization: Bearer ${env:TOKEN}`.'),
    registry: z
      .union([
        z.literal('embedded'),
        z.url({ protocol: /^https?$/, error: 'expected an http(s) URL or "embedded"' }),
      ])
      .optional()
      .describe(
        'Follow a stage of a Gatehouse registry: its base URL (e.g. `http://registry:4100`), or `embedded` for the registry this gateway runs (`registry.embedded`). Publishes reach the gateway within a second (long-poll).',
      ),
    stage: z
      .string()
      .regex(STAGE_NAME, 'expected a stage name such as dev, test or prod')
      .optional()
      .describe("With `registry`: the stage to follow; defaults to the gateway's own stage."),
    token: z
      .string()
      .min(1)
      .optional()
      .describe('With `registry`: an admin token of the registry, e.g. `${env:GATEHOUSE_REGISTRY_TOKEN}`.'),
  })
  .superRefine((source, ctx) => {
    const chosen = (['file', 'url', 'registry'] as const).filter((key) => source[key] !== undefined);
    if (chosen.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          chosen.length === 0
            ? 'set one of `file`, `url` or `registry`'
            : `set only one of \`file\`, \`url\` or \`registry\`, not ${chosen.map((key) => `\`${key}\``).join(' and ')}`,
      });
    }
  });

export const supergraphSourceSchema = z
  .union([z.string().min(1), sourceObject])
  .transform((value): SupergraphSourceConfig => {
    if (typeof value === 'string') return { kind: 'file', path: value, watch: false };
    if (value.url !== undefined)
      return { kind: 'url', url: value.url, pollIntervalMs: value.pollIntervalMs, headers: value.headers };
    if (value.registry !== undefined)
      return { kind: 'registry', registry: value.registry, stage: value.stage, token: value.token };
    return { kind: 'file', path: value.file ?? '', watch: value.watch };
  });

const tokenSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]+$/, 'expected a name of letters, digits, "_", ".", "@" and "-"')
    .describe('Shown in the version history as who published.'),
  token: z
    .string()
    .min(16, 'expected a token of at least 16 characters')
    .describe('The bearer token itself, e.g. `${env:GATEHOUSE_REGISTRY_TOKEN}`.'),
});

export const REGISTRY_DEFAULT = {
  embedded: false,
  port: 4100,
  stages: ['dev', 'test', 'prod'],
  tokens: [],
  maxSchemaBytes: 4_194_304,
  usage: { sampleRate: 1, windowDays: 30, flushIntervalMs: 5_000 },
};

export const registrySchema = z
  .strictObject({
    embedded: boolean()
      .default(false)
      .describe(
        'Serve the registry API (`/registry/v1/…`) and page (`/registry`) from this gateway, on its store. With `subgraphs` listed, they seed a stage that has no version yet.',
      ),
    port: integer(0, 65535)
      .default(4100)
      .describe('Port of `gatehouse registry` (the registry run on its own).'),
    stages: z
      .array(z.string().regex(STAGE_NAME, 'expected a stage name such as dev, test or prod'))
      .min(1)
      .default(['dev', 'test', 'prod'])
      .describe('The stages subgraphs are published to; each has its own subgraphs and history.'),
    tokens: z
      .array(tokenSchema)
      .default([])
      .describe(
        'Admin tokens (bearer) accepted by the registry API, each with a name. Every change needs one; reads need one in stage `prod`.',
      ),
    maxSchemaBytes: integer(1024)
      .default(4_194_304)
      .describe('Largest subgraph SDL (4 MiB) the registry accepts; a larger publish gets 413.'),
    usage: z
      .strictObject({
        sampleRate: z
          .preprocess(
            (value) => (typeof value === 'string' ? Number(value) : value),
            z.number().min(0).max(1),
          )
          .default(1)
          .describe('Share of operations a gateway following a registry reports (0 to 1).'),
        windowDays: integer(1)
          .default(30)
          .describe('A breaking change that touches nothing used in this many days is allowed.'),
        flushIntervalMs: integer(100)
          .default(5_000)
          .describe('How often a gateway sends its batched usage reports to the registry.'),
      })
      .default(REGISTRY_DEFAULT.usage)
      .describe('Usage reports, which make checks weigh breaking changes against operations actually seen.'),
  })
  .default(REGISTRY_DEFAULT);

export type RegistryConfig = z.output<typeof registrySchema>;

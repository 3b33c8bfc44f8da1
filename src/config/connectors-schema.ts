import { z } from 'zod';
import { boolean, integer } from './primitives.js';

const sourceOverrideSchema = z.strictObject({
  baseURL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .optional()
    .describe("Replaces the `@source`'s `baseURL` (a staging host, say)."),
  timeoutMs: integer(1)
    .optional()
    .describe('Time allowed for one request to this source. Defaults to `connectors.timeoutMs`.'),
  maxResponseBytes: integer(1)
    .optional()
    .describe('Largest response body read from this source. Defaults to `connectors.maxResponseBytes`.'),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name'), z.string())
    .optional()
    .describe('Headers added to every request to this source (secrets via `${env:NAME}`).'),
});

const connectorSubgraphSchema = z.strictObject({
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Values that the connector schema reads as `$config` (for example `$config.apiKey`).'),
  sources: z
    .record(z.string(), sourceOverrideSchema)
    .optional()
    .describe('Per `@source` (by its `name`): base URL, timeout and headers.'),
});

export const connectorsSchema = z
  .strictObject({
    timeoutMs: integer(1)
      .default(10_000)
      .describe('Default time allowed for one request to a REST service, connection included.'),
    connectionsPerOrigin: integer(1)
      .default(64)
      .describe('Most keep-alive connections the gateway opens to one REST origin.'),
    maxResponseBytes: integer(1)
      .default(33_554_432)
      .describe(
        'Largest response body read from a REST service (32 MiB); a larger one is cut off and becomes a `CONNECTOR_RESPONSE_TOO_LARGE` error.',
      ),
    debug: boolean()
      .default(false)
      .describe(
        'In stage `dev` only: connector errors also carry the request URL and the start of the response body. Ignored in other stages.',
      ),
    subgraphs: z
      .record(z.string(), connectorSubgraphSchema)
      .default({})
      .describe('Settings per connector subgraph, by subgraph name.'),
  })
  .default({
    timeoutMs: 10_000,
    connectionsPerOrigin: 64,
    maxResponseBytes: 33_554_432,
    debug: false,
    subgraphs: {},
  });

export type ConnectorsConfig = z.output<typeof connectorsSchema>;

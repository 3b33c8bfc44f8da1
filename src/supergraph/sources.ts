import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import type { Registry } from '../registry/types.js';
import { ComposeSource } from './compose-source.js';
import { FileSource } from './file-source.js';
import { EmbeddedRegistrySource, RegistrySource } from './registry-source.js';
import type { SupergraphSource } from './source.js';
import { UrlSource } from './url-source.js';

export interface SourceResources {
  /** The registry this process runs, for `supergraph: { registry: embedded }`. */
  registry?: Registry | undefined;
}

/** The config's supergraph source: `supergraph` (file, URL or registry), else composition of `subgraphs`. */
export function createSupergraphSource(
  config: GatehouseConfig,
  resources: SourceResources = {},
): SupergraphSource {
  const source = config.supergraph;
  if (source === undefined) return new ComposeSource(config);
  switch (source.kind) {
    case 'file':
      return new FileSource({ path: source.path, watch: source.watch });
    case 'url':
      return new UrlSource({
        url: source.url,
        pollIntervalMs: source.pollIntervalMs,
        headers: source.headers,
      });
    case 'registry': {
      const stage = source.stage ?? config.stage;
      if (source.registry !== 'embedded')
        return new RegistrySource({ registry: source.registry, stage, token: source.token });
      if (resources.registry === undefined) {
        throw new UserFacingError(
          '`supergraph: { registry: embedded }` follows the registry this gateway runs: set `registry.embedded: true`',
        );
      }
      return new EmbeddedRegistrySource({ registry: resources.registry, stage });
    }
    default:
      return assertNever(source);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown supergraph source: ${JSON.stringify(value)}`);
}

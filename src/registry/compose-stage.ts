import type { ConnectorsConfig } from '../config/connectors-schema.js';
import type { RegistrySubgraph } from '../store/registry.js';
import { composeSubgraphs } from '../supergraph/compose-subgraphs.js';
import type { CompositionProblem } from './types.js';

export type StageComposition =
  { ok: true; supergraphSdl: string } | { ok: false; problems: CompositionProblem[] };

export interface ComposeStageOptions {
  connectors?: ConnectorsConfig | undefined;
  /** The subgraph being changed: named first when an error points into several. */
  focus?: string | undefined;
  /** Its `--schema` path (or URL), shown in locations instead of its name. */
  origin?: string | undefined;
}

/**
 * Composes a stage's subgraphs, connector subgraphs included. Locations name the changed
 * subgraph's origin and every other subgraph by its name (the registry keeps no file paths).
 */
export function composeStage(
  subgraphs: readonly RegistrySubgraph[],
  options: ComposeStageOptions = {},
): StageComposition {
  const originOf = (name: string) => (name === options.focus && options.origin ? options.origin : name);
  const result = composeSubgraphs(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      sdl: subgraph.sdl,
      type: subgraph.type,
      origin: originOf(subgraph.name),
    })),
    options.connectors === undefined ? {} : { connectors: options.connectors },
  );
  if (result.ok) return result;
  return {
    ok: false,
    problems: result.problems.map((problem) => {
      // Some composition errors carry no nodes but name the subgraphs in their message.
      const named =
        problem.subgraphs.length > 0
          ? problem.subgraphs
          : subgraphs.map(({ name }) => name).filter((name) => problem.message.includes(`"${name}"`));
      const subgraph =
        options.focus !== undefined && named.includes(options.focus) ? options.focus : named[0];
      return {
        message: problem.message,
        ...(subgraph === undefined ? {} : { subgraph }),
        ...(problem.code === undefined ? {} : { code: problem.code }),
        locations: problem.locations,
      };
    }),
  };
}

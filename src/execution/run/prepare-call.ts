import type { FetchStep } from '../plan/compile-plan.js';
import { collectEntities, type JsonObject, type ResponsePath } from '../merge-data.js';
import { RepresentationSet } from '../plan/representations.js';
import { mergedQueryJson, type Call, type Part } from '../plan/schedule.js';

/*
 * The per-request half of a call: which of its fetches have something to fetch, their entities and
 * de-duplicated representations, and the request body, written as JSON text from pre-serialised
 * pieces.
 */

export interface StepRun {
  step: FetchStep;
  /** The objects this fetch's results are merged into. */
  entities: JsonObject[];
  /** For entity fetches: [entity index, unique representation index] per representation Apollo would send. */
  mapping: number[] | undefined;
  /** Response paths of the entities, for error paths; computed when first needed. */
  hydrated: ResponsePath[] | undefined;
}

export interface PartRun {
  part: Part;
  steps: StepRun[];
  representations: RepresentationSet | undefined;
}

export interface CallRun {
  call: Call;
  parts: PartRun[];
  body: string;
  /** Fetches sharing this request; a merged request that fails as a whole is retried fetch by fetch. */
  stepCount: number;
}

const REPRESENTATIONS = 'representations';

/**
 * Prepares `call` against the current data, or returns undefined when none of its fetches has
 * anything to fetch (Apollo sends nothing then either).
 */
export function prepareCall(
  call: Call,
  data: JsonObject,
  variables: Readonly<Record<string, unknown>>,
  entitiesByPath?: Map<string, JsonObject[]>,
): CallRun | undefined {
  const parts: PartRun[] = [];
  let mask = 0;
  let stepCount = 0;
  for (let index = 0; index < call.parts.length; index++) {
    const part = call.parts[index] as Part;
    const representations = part.isEntityFetch ? new RepresentationSet() : undefined;
    const steps: StepRun[] = [];
    for (const step of part.steps) {
      const entities = entitiesAt(step, data, entitiesByPath);
      if (entities.length === 0) continue;
      let mapping: number[] | undefined;
      if (representations && step.requires) {
        mapping = representations.add(entities, step.requires, step.flatRequires, step.inputRewrites);
        if (mapping.length === 0) continue;
      }
      steps.push({ step, entities, mapping, hydrated: undefined });
    }
    if (steps.length === 0) continue;
    parts.push({ part, steps, representations });
    mask |= 1 << index;
    stepCount += steps.length;
  }
  if (parts.length === 0) return undefined;
  return { call, parts, body: requestBody(call, parts, mask, variables), stepCount };
}

/** The entities at the step's path; fetches of one wave at the same path share the list. */
function entitiesAt(
  step: FetchStep,
  data: JsonObject,
  entitiesByPath: Map<string, JsonObject[]> | undefined,
): JsonObject[] {
  if (step.path === undefined) return [data];
  let entities = entitiesByPath?.get(step.pathKey);
  if (!entities) {
    entities = [];
    collectEntities(data, step.path, 0, entities);
    entitiesByPath?.set(step.pathKey, entities);
  }
  return entities;
}

function requestBody(
  call: Call,
  parts: readonly PartRun[],
  mask: number,
  variables: Readonly<Record<string, unknown>>,
): string {
  const first = parts[0] as PartRun;
  const merged = parts.length > 1;
  let body = `{"query":${merged ? mergedQueryJson(call, mask) : first.part.queryJson}`;
  if (first.part.operationNameJson !== undefined) body += `,"operationName":${first.part.operationNameJson}`;
  body += ',"variables":{';
  let separator = '';
  for (const partRun of parts) {
    const json = variablesJson(partRun, merged, variables);
    if (json.length === 0) continue;
    body += separator + json;
    separator = ',';
  }
  return `${body}}}`;
}

function variablesJson(
  partRun: PartRun,
  merged: boolean,
  variables: Readonly<Record<string, unknown>>,
): string {
  const { part, representations } = partRun;
  const keys = merged ? part.prefixedVariableKeys : part.variableKeys;
  let json = '';
  for (let index = 0; index < part.variableUsages.length; index++) {
    const name = part.variableUsages[index] as string;
    // As Apollo: only the variables the client gave, and not those it gave as undefined.
    if (!Object.prototype.hasOwnProperty.call(variables, name)) continue;
    const value = variables[name];
    if (value === undefined) continue;
    json += `${json.length > 0 ? ',' : ''}${keys[index] as string}${JSON.stringify(value)}`;
  }
  if (representations) {
    const key = JSON.stringify(merged ? part.prefix + REPRESENTATIONS : REPRESENTATIONS);
    json += `${json.length > 0 ? ',' : ''}${key}:[${representations.json.join(',')}]`;
  }
  return json;
}

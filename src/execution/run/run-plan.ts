import type { FetchStep } from '../plan/compile-plan.js';
import { applyRewrites } from '../plan/data-rewrites.js';
import {
  cloneJson,
  deepMerge,
  deepMergeCopy,
  hydratedPaths,
  type JsonObject,
  type ResponsePath,
} from '../merge-data.js';
import { prepareCall, type CallRun, type PartRun, type StepRun } from './prepare-call.js';
import { singleStepCall, type Call, type Schedule } from '../plan/schedule.js';
import type { RawSubgraphSource, SubgraphResponse } from '../transport/subgraph-call.js';
import { downstreamServiceError, type SubgraphError } from './subgraph-errors.js';
import { GraphQLError } from 'graphql';

export type { RawSubgraphSource } from '../transport/subgraph-call.js';

/** What execution needs of a subgraph's transport: send a JSON body, get a parsed GraphQL response. */

export interface PlanResult {
  /** The merged subgraph data, before shaping. */
  data: JsonObject;
  /** Fetch failures and subgraph errors, in the order Apollo's executor would report them. */
  errors: unknown[];
}

/**
 * Runs a schedule wave by wave: in each wave, every call is prepared from the data so far and sent at
 * once; then the answers are merged in plan order. A request that merged several fetches and came
 * back without any data (a validation error, a null that reached its root) is retried fetch by fetch,
 * so that one fetch's failure cannot take the others' data with it.
 */
export async function runSchedule(
  schedule: Schedule,
  variables: Readonly<Record<string, unknown>>,
  sources: (serviceName: string) => RawSubgraphSource | undefined,
  context?: unknown,
): Promise<PlanResult> {
  const run = new PlanRun(variables, sources, context);
  for (const wave of schedule.waves) {
    const runs: CallRun[] = [];
    const entitiesByPath = new Map<string, JsonObject[]>();
    for (const call of wave.calls) {
      if (!sources(call.serviceName)) {
        run.serviceMissing(call);
        continue;
      }
      const prepared = prepareCall(call, run.data, variables, entitiesByPath);
      if (prepared) runs.push(prepared);
    }
    await run.send(runs, true);
    for (const step of wave.steps) run.flushErrors(step);
  }
  return { data: run.data, errors: run.errors };
}

/** The keys of an answer whose values are all defined primitives; null for any other answer. */
function keysIfFlat(value: unknown): string[] | null {
  if (typeof value !== 'object' || value === null) return null;
  const keys: string[] = [];
  for (const key in value as JsonObject) {
    const field = (value as JsonObject)[key];
    if (field === undefined || (typeof field === 'object' && field !== null)) return null;
    keys.push(key);
  }
  return keys;
}

/**
 * The client path of a subgraph error that names no entity of the batch. An entity fetch's error
 * without an entity index (`["_entities"]`, no path, an index the batch does not have) concerns the
 * whole batch: its path is the response field that holds the batch, the fetch path up to its first
 * list marker. Apollo Gateway joins the fetch path and the subgraph path instead, so that `@` and
 * `_entities` reach the client (apollographql/router#4548 fixed the same in the Router).
 */
function clientPath(
  stepRun: StepRun,
  path: readonly (string | number)[] | undefined,
): ResponsePath | undefined {
  const fetchPath = stepRun.step.path;
  if (stepRun.mapping === undefined) return path ? [...(fetchPath ?? []), ...path] : undefined;
  return batchPath(fetchPath ?? []);
}

/** The response field that holds an entity fetch's batch: its path up to the first list marker. */
function batchPath(fetchPath: readonly string[]): ResponsePath {
  const list = fetchPath.indexOf('@');
  return fetchPath.slice(0, list < 0 ? undefined : list);
}

/**
 * The error of an entity fetch whose request failed (the subgraph down, a bad answer), at the field
 * that holds the batch, as the errors of a batch that failed as a whole. Apollo Gateway gives it no
 * path (apollographql/router#4548 added it in the Router).
 */
function failedBatchError(reason: unknown, stepRun: StepRun): unknown {
  if (stepRun.mapping === undefined || !(reason instanceof GraphQLError) || reason.path) return reason;
  return new GraphQLError(reason.message, {
    path: batchPath(stepRun.step.path ?? []),
    extensions: reason.extensions,
    ...(reason.originalError ? { originalError: reason.originalError } : {}),
  });
}

/** Whether the part's request carries fewer representations, or in another order, than Apollo's would. */
function wasDeduplicated(partRun: PartRun): boolean {
  const { representations, steps } = partRun;
  if (!representations) return false;
  if (steps.length > 1) return true;
  return representations.size < ((steps[0] as StepRun).mapping as number[]).length / 2;
}

class PlanRun {
  readonly data: JsonObject = {};
  readonly errors: unknown[] = [];
  private readonly stepErrors = new Map<FetchStep, unknown[]>();

  constructor(
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly sources: (serviceName: string) => RawSubgraphSource | undefined,
    private readonly context: unknown,
  ) {}

  /** Apollo checks for the service before anything else, and fails every fetch to it. */
  serviceMissing(call: Call): void {
    for (const part of call.parts) {
      for (const step of part.steps)
        this.addError(step, new Error(`Couldn't find service with name "${call.serviceName}"`));
    }
  }

  async send(runs: readonly CallRun[], retryMerged: boolean): Promise<void> {
    if (runs.length === 0) return;
    const outcomes = await Promise.allSettled(
      runs.map((callRun) =>
        (this.sources(callRun.call.serviceName) as RawSubgraphSource).fetchRaw(
          callRun.body,
          this.context,
          callRun.stepCount,
        ),
      ),
    );
    let retries: CallRun[] | undefined;
    for (let index = 0; index < runs.length; index++) {
      const callRun = runs[index] as CallRun;
      const outcome = outcomes[index] as PromiseSettledResult<SubgraphResponse>;
      if (outcome.status === 'rejected') {
        for (const partRun of callRun.parts)
          for (const stepRun of partRun.steps)
            this.addError(stepRun.step, failedBatchError(outcome.reason, stepRun));
        continue;
      }
      if (retryMerged && callRun.stepCount > 1 && !outcome.value.data) {
        retries ??= [];
        for (const partRun of callRun.parts) {
          for (const stepRun of partRun.steps) {
            const single = prepareCall(singleStepCall(stepRun.step), this.data, this.variables);
            if (single) retries.push(single);
          }
        }
        continue;
      }
      this.applyResponse(callRun, outcome.value);
    }
    if (retries) await this.send(retries, false);
  }

  flushErrors(step: FetchStep): void {
    const errors = this.stepErrors.get(step);
    if (errors) for (const error of errors) this.errors.push(error);
  }

  private addError(step: FetchStep, error: unknown): void {
    const errors = this.stepErrors.get(step);
    if (errors) errors.push(error);
    else this.stepErrors.set(step, [error]);
  }

  private applyResponse(callRun: CallRun, response: SubgraphResponse): void {
    const merged = callRun.parts.length > 1;
    if (response.errors) this.routeErrors(callRun, response.errors as readonly SubgraphError[], merged);
    const data = response.data as JsonObject | null | undefined;
    for (const partRun of callRun.parts) {
      let partData = data;
      if (merged && data) {
        partData = {};
        for (const [alias, key] of partRun.part.aliases) {
          if (data[alias] !== undefined) partData[key] = data[alias];
        }
      }
      if (partRun.representations) this.mergeEntities(partRun, partData);
      else this.mergeRoot(partRun, partData);
    }
  }

  /**
   * Subgraph errors become the errors Apollo would report: one per representation Apollo would have
   * sent (so one per duplicate of a de-duplicated one), with the entity's path in the client response.
   */
  private routeErrors(callRun: CallRun, errors: readonly SubgraphError[], merged: boolean): void {
    const routed = new Map<StepRun, { key: number; error: unknown }[]>();
    const serviceName = callRun.call.serviceName;
    for (const original of errors) {
      let path = original.path;
      let parts: readonly PartRun[] = callRun.parts;
      const head = path?.[0];
      if (merged && path && typeof head === 'string') {
        for (const partRun of callRun.parts) {
          const key = partRun.part.aliases.get(head);
          if (key === undefined) continue;
          parts = [partRun];
          path = [key, ...path.slice(1)];
          break;
        }
      }
      const listOf = (stepRun: StepRun) => {
        let list = routed.get(stepRun);
        if (!list) routed.set(stepRun, (list = []));
        return list;
      };
      const unique = path?.[1];
      let routedToEntity = false;
      if (path && typeof unique === 'number') {
        const rest = path.slice(2);
        for (const partRun of parts) {
          for (const stepRun of partRun.steps) {
            if (!stepRun.mapping) continue;
            stepRun.hydrated ??= hydratedPaths(stepRun.step.path ?? [], this.data);
            for (let at = 0; at < stepRun.mapping.length; at += 2) {
              if (stepRun.mapping[at + 1] !== unique) continue;
              // The path of the entity this representation was made from. Apollo takes the path of
              // the i-th entity for representation i, which is another entity's as soon as one before
              // it had no representation (a list mixing types: only some match the fetch's fragment).
              const representation = at / 2;
              const entity = stepRun.mapping[at] as number;
              const entityPath = [...(stepRun.hydrated[entity] ?? []), ...rest];
              listOf(stepRun).push({
                key: representation,
                error: downstreamServiceError(original, serviceName, entityPath),
              });
              routedToEntity = true;
            }
          }
        }
      }
      if (routedToEntity) continue;
      // Not about one entity: every fetch that shared the request had it in its own answer.
      for (const partRun of parts) {
        for (const stepRun of partRun.steps) {
          const list = listOf(stepRun);
          const key = list.length > 0 ? (list[list.length - 1] as { key: number }).key : -1;
          list.push({ key, error: downstreamServiceError(original, serviceName, clientPath(stepRun, path)) });
        }
      }
    }
    for (const partRun of callRun.parts) {
      // Where de-duplication changed the order the subgraph saw representations in, put its errors
      // back in the order of the representations Apollo would have sent. Elsewhere the subgraph saw
      // what Apollo would have sent, and its order stands. Array.prototype.sort is stable.
      const reordered = wasDeduplicated(partRun);
      for (const stepRun of partRun.steps) {
        const list = routed.get(stepRun);
        if (!list) continue;
        if (reordered) list.sort((a, b) => a.key - b.key);
        for (const { error } of list) this.addError(stepRun.step, error);
      }
    }
  }

  private mergeEntities(partRun: PartRun, data: JsonObject | null | undefined): void {
    if (!data) return;
    const received = data._entities;
    if (!Array.isArray(received)) {
      for (const { step } of partRun.steps)
        this.addError(step, new Error(`Expected "data._entities" in response to be an array`));
      return;
    }
    if (received.length !== (partRun.representations as { size: number }).size) {
      for (const { step, mapping } of partRun.steps) {
        const expected = (mapping as number[]).length / 2;
        this.addError(step, new Error(`Expected "data._entities" to contain ${expected} elements`));
      }
      return;
    }
    // The first entity of each unique representation takes the parsed answer itself; the others
    // merge copies of its objects, as they would have had answers of their own. Rewrites modify the
    // answer, so with rewrites every entity takes a full copy.
    const taken = new Uint8Array(received.length);
    const flatKeys: (string[] | null | undefined)[] = [];
    for (const { step, entities, mapping } of partRun.steps) {
      const rewrites = step.inputRewrites.length > 0 || step.outputRewrites.length > 0;
      const map = mapping as number[];
      for (let at = 0; at < map.length; at += 2) {
        const entity = entities[map[at] as number] as JsonObject;
        const unique = map[at + 1] as number;
        let value = received[unique] as unknown;
        if (rewrites) {
          value = cloneJson(value);
        } else if (taken[unique] === 1) {
          // Same representation, so same __typename: the answer needs no fix-up of its own.
          let keys = flatKeys[unique];
          if (keys === undefined) flatKeys[unique] = keys = keysIfFlat(value);
          if (keys === null) {
            deepMergeCopy(entity, value);
          } else {
            // Nothing to copy in a flat answer: its values go straight in, as deepMerge would put them.
            for (const key of keys) entity[key] = (value as JsonObject)[key];
          }
          continue;
        } else {
          taken[unique] = 1;
        }
        if (value && typeof value === 'object' && !(value as JsonObject).__typename) {
          (value as JsonObject).__typename = entity.__typename;
        }
        if (step.outputRewrites.length > 0) applyRewrites(step.outputRewrites, value);
        deepMerge(entity, value);
      }
    }
  }

  private mergeRoot(partRun: PartRun, data: JsonObject | null | undefined): void {
    // Copies first: each fetch had an answer of its own, and rewrites modify it.
    const answers = partRun.steps.map((_stepRun, index) =>
      index === 0 ? data : (cloneJson(data) as typeof data),
    );
    partRun.steps.forEach(({ step, entities }, index) => {
      const answer = answers[index];
      if (answer && step.outputRewrites.length > 0) applyRewrites(step.outputRewrites, answer);
      for (const entity of entities) deepMerge(entity, answer);
    });
  }
}

import type { CompiledPlan, FetchStep } from './compile-plan.js';

/*
 * What a compiled plan keeps on the heap, estimated from counts read off it once, when it is compiled,
 * so that the plan cache can be bounded by bytes (lru-cache.ts). Nothing here runs on a cache hit.
 *
 * The coefficients were calibrated with `node --expose-gc bench/plan-memory.mjs` (Node 20, x64): it
 * compiles distinct operations of 10 to 8,000 aliased fields, flat, with arguments and variables, on
 * entities and in nested fragments, runs each once (so that its schedule, merged queries and generated
 * shaping code exist), and compares `heapUsed` after a full GC with the estimate. The estimate is
 * above what was measured for every shape, by at most about 1.5×; see `PLAN_BYTES` below.
 */

/** Bytes per unit of each count; see the calibration above. */
const PLAN_BYTES = {
  /** The compiled plan, its tree, its response shape's types and the cache entry. */
  base: 4096,
  /**
   * A selection of the response shape, and its share of the generated shaping code (a leaf is about
   * 450 characters of source, plus its bytecode).
   */
  perSelection: 1100,
  /** A response key is written about six times into the generated code. */
  perKeyChar: 12,
  /** Fetch operation text: the string, its JSON, its signature and its parsed document. */
  perFetchChar: 24,
  /** A fetch step, with its requires, rewrites and request pieces. */
  perStep: 1024,
  /** A root key of a fetch: in the step's list and in the aliases of each call that sends it. */
  perRootKey: 96,
  /** A variable definition kept to validate variables (with the text it points into). */
  perVariable: 512,
} as const;

/** What one schedule may weigh, besides the root keys it aliases. */
const SCHEDULE_BYTES = { base: 512, perStep: 512, perVariable: 64 } as const;

/** Schedules an allowance makes room for, at most: more combinations of conditions start over. */
const SCHEDULE_SLOTS = 8;
/** Room every plan's allowance has, whatever its size: a few schedules of a small plan. */
const LAZY_FLOOR = 8192;
/** A merged query: its JSON text and its entry in the call's map. */
const MERGED_QUERY_ENTRY = 64;

/**
 * Bytes that what is built for a plan on demand (its schedules, one per combination of Condition
 * values, and the merged queries of their calls) may take, together. An allowance never gives out
 * more than its limit, which the plan's estimate includes; what does not fit is dropped and rebuilt
 * when needed.
 */
export class ByteAllowance {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes `bytes` if they are left, and says whether it did. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** An upper bound of the bytes of one schedule of a plan with these steps (any subset weighs less). */
export function scheduleBytesBound(steps: readonly FetchStep[]): number {
  let bytes = SCHEDULE_BYTES.base;
  for (const step of steps) {
    bytes += SCHEDULE_BYTES.perStep + SCHEDULE_BYTES.perVariable * step.variableUsages.length;
    bytes += PLAN_BYTES.perRootKey * (step.rootKeys?.length ?? 0);
  }
  return bytes;
}

/**
 * The allowance of a plan: room for a schedule per combination of its Condition values (up to
 * `SCHEDULE_SLOTS`), and for merged queries twice the length of its fetch operations.
 */
export function lazyBytesLimit(
  steps: readonly FetchStep[],
  conditionCount: number,
  scheduleBytes: number,
): number {
  let fetchChars = 0;
  for (const step of steps) fetchChars += step.operation.length;
  const schedules = Math.min(SCHEDULE_SLOTS, 2 ** conditionCount);
  return LAZY_FLOOR + schedules * scheduleBytes + 2 * (fetchChars + MERGED_QUERY_ENTRY * steps.length);
}

export function mergedQueryBytes(json: string): number {
  return json.length + MERGED_QUERY_ENTRY;
}

/**
 * The estimated bytes of a compiled plan, everything it may come to hold included: its response
 * shape and the code generated from it, its fetch steps, a call per step (how a failed merged request
 * is retried), its allowance, and `retainedChars` of operation text kept with its variable definitions.
 */
export function estimatePlanBytes(plan: CompiledPlan, retainedChars: number): number {
  const { shape, steps } = plan;
  let bytes =
    PLAN_BYTES.base +
    PLAN_BYTES.perSelection * shape.selectionCount +
    PLAN_BYTES.perKeyChar * shape.keyChars +
    PLAN_BYTES.perVariable * plan.variableDefinitions.length +
    retainedChars +
    plan.scheduleBytes +
    plan.lazy.limit;
  for (const step of steps) {
    bytes += PLAN_BYTES.perStep + PLAN_BYTES.perFetchChar * step.operation.length;
    bytes += PLAN_BYTES.perRootKey * (step.rootKeys?.length ?? 0);
  }
  return bytes;
}

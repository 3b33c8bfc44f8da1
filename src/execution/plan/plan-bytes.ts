/*
 * What a compiled plan keeps on the heap, estimated from counts read off it once, when it is compiled,
 * so that the plan cache can be bounded by bytes (lru-cache.ts). Nothing here runs on a cache hit.
 *
 * Calibration: `node --expose-gc bench/plan-memory.mjs` (after `npm run build:ts`; Node 20, x64)
 * runs distinct operations of 8 to 8,000 fields in nine shapes (aliases of one field, with variables,
 * on entities, nested, one fetch per alias, named fragments, long string arguments, long response
 * keys, @include/@skip) once each, and compares the heap they keep (`heapUsed` after a full GC,
 * before and after) with the estimate. An upper envelope fitted to those 37 rows (linear programming:
 * smallest estimate that is above every row) gave about 10 KB per plan, 750 bytes per selection,
 * 6 per character of response keys, 3.2 KB per fetch, 2 per character of fetch text, 67 per node of
 * the parsed fetches, 240 per root key and 2 per character of retained text; `PLAN_BYTES` is that
 * with about 25% to spare. Measured: an operation of 8,000 aliases of one field (about 130 KB of
 * text) keeps 8.7 MiB (12.9 MiB on entities, 12.1 MiB with a variable in each field), the
 * benchmark's query 126 KiB. The whole estimate, allowance included, is 1.3 to 1.9 times the measure
 * from 100 fields up (2.5 at most, for long string arguments), and about 40 KiB for the smallest
 * operations, which keep 10 to 26 KiB.
 */

/** Bytes per unit of each count; see the calibration above. */
const PLAN_BYTES = {
  /** The compiled plan, its tree, the shaping code's function objects and the cache entry. */
  base: 12_288,
  /** A selection of the response shape and its share of the generated shaping code. */
  perSelection: 960,
  /** A response key is written several times into the generated code. */
  perKeyChar: 8,
  /** A fetch step, with its requires, rewrites and request pieces. */
  perStep: 4096,
  /** Fetch operation text: the string, its JSON and its signature. */
  perFetchChar: 4,
  /** A node of a fetch's parsed document. */
  perDocumentNode: 84,
  /** A root key of a fetch: in the step's list, and in the aliases of the call that sends it. */
  perRootKey: 300,
  /** A character of the client's operation text, which variable definitions point into. */
  perRetainedChar: 2,
  /** A variable definition kept to validate variables. */
  perVariable: 512,
} as const;

/** What one schedule may weigh: its waves and calls, a part per fetch, an alias per root key. */
const SCHEDULE_BYTES = { base: 512, perStep: 512, perVariable: 64, perRootKey: 96 } as const;

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

/** What the estimates read off a fetch step (compile-plan.ts). */
export interface StepCounts {
  readonly operation: string;
  readonly documentNodes: number;
  readonly rootKeys: readonly string[] | undefined;
  readonly variableUsages: readonly string[];
}

/** What the estimates read off a compiled plan (compile-plan.ts). */
export interface PlanCounts {
  readonly shape: { readonly selectionCount: number; readonly keyChars: number };
  readonly steps: readonly StepCounts[];
  readonly planConditions: readonly string[];
  readonly variableDefinitions: readonly unknown[];
}

/** An upper bound of the bytes of one schedule of a plan with these steps (any subset weighs less). */
export function scheduleBytesBound(steps: readonly StepCounts[]): number {
  let bytes = SCHEDULE_BYTES.base;
  for (const step of steps) {
    bytes += SCHEDULE_BYTES.perStep + SCHEDULE_BYTES.perVariable * step.variableUsages.length;
    bytes += SCHEDULE_BYTES.perRootKey * (step.rootKeys?.length ?? 0);
  }
  return bytes;
}

/**
 * The limit of a plan's allowance: room for a schedule per combination of its Condition values (up
 * to `SCHEDULE_SLOTS`), and for merged queries twice the length of its fetch operations.
 */
export function lazyBytesLimit(plan: PlanCounts): number {
  let fetchChars = 0;
  for (const step of plan.steps) fetchChars += step.operation.length;
  const schedules = Math.min(SCHEDULE_SLOTS, 2 ** plan.planConditions.length);
  const merged = 2 * (fetchChars + MERGED_QUERY_ENTRY * plan.steps.length);
  return LAZY_FLOOR + schedules * scheduleBytesBound(plan.steps) + merged;
}

export function mergedQueryBytes(json: string): number {
  return json.length + MERGED_QUERY_ENTRY;
}

/**
 * The estimated bytes of a compiled plan, everything it may come to hold included: its response
 * shape and the code generated from it, its fetch steps, a call per step (how a failed merged request
 * is retried), its allowance, and `retainedChars` of operation text kept with its variable definitions.
 */
export function estimatePlanBytes(plan: PlanCounts, retainedChars: number): number {
  const { shape, steps } = plan;
  let bytes =
    PLAN_BYTES.base +
    PLAN_BYTES.perSelection * shape.selectionCount +
    PLAN_BYTES.perKeyChar * shape.keyChars +
    PLAN_BYTES.perVariable * plan.variableDefinitions.length +
    PLAN_BYTES.perRetainedChar * retainedChars +
    scheduleBytesBound(steps) +
    lazyBytesLimit(plan);
  for (const step of steps) {
    bytes += PLAN_BYTES.perStep + PLAN_BYTES.perFetchChar * step.operation.length;
    bytes += PLAN_BYTES.perDocumentNode * step.documentNodes;
    bytes += PLAN_BYTES.perRootKey * (step.rootKeys?.length ?? 0);
  }
  return bytes;
}

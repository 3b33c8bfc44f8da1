import type { CompiledPlan, FetchStep, PlanTree } from './compile-plan.js';
import { mergeOperations, partPrefix } from './merge-operations.js';
import { ByteAllowance, lazyBytesLimit, mergedQueryBytes, scheduleBytesBound } from './plan-bytes.js';

/*
 * The wave scheduler's static half. A plan (with its Condition nodes settled) becomes a dependency DAG
 * of fetches (a fetch depends on those before it in a Sequence) and then a list of waves: as many as
 * the longest chain, each fetch in a wave after all it depends on, and where it has slack, in a wave
 * that calls its subgraph anyway. Within a wave the fetches to one subgraph share requests: fetches
 * with the same operation become one part (one `_entities` call over the union of their
 * representations), and the parts become one operation with aliased root fields. Mutation plans keep
 * one request per fetch, each as early as its dependencies allow, so root mutations stay in order.
 */

export interface Schedule {
  waves: Wave[];
}

export interface Wave {
  calls: Call[];
  /** The wave's fetches in plan order: errors are reported in this order. */
  steps: FetchStep[];
}

/** One request to one subgraph. */
export interface Call {
  serviceName: string;
  parts: Part[];
  /** JSON text of the merged query, by bit mask of the parts that have something to fetch. */
  mergedQueries: Map<number, string>;
  /** Their estimated bytes, taken from `lazy`, the allowance of the plan the call was made for. */
  mergedBytes: number;
  lazy: ByteAllowance;
}

/** Fetches with the same operation, sent once. */
export interface Part {
  steps: FetchStep[];
  /** Prefix of this part's aliases and variables when merged with other parts. */
  prefix: string;
  isEntityFetch: boolean;
  queryJson: string;
  operationNameJson: string | undefined;
  variableUsages: readonly string[];
  /** `"name":` and `"<prefix>name":` for every variable usage, ready for a request body. */
  variableKeys: readonly string[];
  prefixedVariableKeys: readonly string[];
  /** Alias in a merged operation → the root key it stands for. */
  aliases: ReadonlyMap<string, string>;
}

// The bit mask of active parts is a 32-bit integer.
const MAX_PARTS_PER_CALL = 30;
const MAX_MERGED_QUERIES_PER_CALL = 32;
// Schedules kept per plan, one per combination of Condition values seen.
const MAX_SCHEDULES_PER_PLAN = 64;

/** What is built for a plan as requests need it, and the allowance it takes its bytes from. */
interface BuiltForPlan {
  /** Schedules by the values of the plan's Condition variables ('' without conditions). */
  readonly schedules: Map<string, Schedule>;
  /** Replaced by a new one when the schedules are dropped, which the new schedules' calls take from. */
  lazy: ByteAllowance;
  /** What each schedule takes from it. */
  readonly scheduleBytes: number;
}

const builtForPlans = new WeakMap<CompiledPlan, BuiltForPlan>();

/**
 * The schedule for `values`, the values of `plan.planConditions`: built once per combination, and
 * kept while the plan's allowance (plan-bytes.ts) has room for it; when it has none, or too many
 * combinations were seen, the plan's schedules are dropped and built again as requests need them.
 */
export function cachedSchedule(plan: CompiledPlan, values: readonly boolean[]): Schedule {
  let built = builtForPlans.get(plan);
  if (!built) {
    built = {
      schedules: new Map(),
      lazy: new ByteAllowance(lazyBytesLimit(plan)),
      scheduleBytes: scheduleBytesBound(plan.steps),
    };
    builtForPlans.set(plan, built);
  }
  const key = values.length === 0 ? '' : values.map((value) => (value ? '1' : '0')).join('');
  let schedule = built.schedules.get(key);
  if (!schedule) {
    if (built.schedules.size >= MAX_SCHEDULES_PER_PLAN || !built.lazy.take(built.scheduleBytes)) {
      built.schedules.clear();
      built.lazy = new ByteAllowance(built.lazy.limit);
      built.lazy.take(built.scheduleBytes);
    }
    const conditions = (variable: string) => values[plan.planConditions.indexOf(variable)] === true;
    schedule = scheduleFor(plan, conditions, built.lazy);
    built.schedules.set(key, schedule);
  }
  return schedule;
}

/**
 * The schedule of `plan` with its Condition nodes settled by `conditions`. Its calls keep the merged
 * queries they build while `lazy` has room for them.
 */
export function scheduleFor(
  plan: CompiledPlan,
  conditions: (variable: string) => boolean,
  lazy: ByteAllowance = new ByteAllowance(lazyBytesLimit(plan)),
): Schedule {
  const nodes: DagNode[] = [];
  if (plan.tree) addToDag(plan.tree, [], nodes, conditions);
  assignLevels(nodes, !plan.isMutation);
  const levels: FetchStep[][] = [];
  for (const node of nodes) (levels[node.level] ??= []).push(node.step);
  const waves: Wave[] = [];
  for (const level of levels) {
    if (!level || level.length === 0) continue;
    const steps = [...level].sort((a, b) => a.index - b.index);
    const calls = plan.isMutation ? steps.map((step) => call([[step]], lazy)) : groupCalls(steps, lazy);
    waves.push({ steps, calls });
  }
  return { waves };
}

interface DagNode {
  step: FetchStep;
  deps: DagNode[];
  dependents: DagNode[];
  /** The first and last waves the fetch can run in without adding a wave. */
  earliest: number;
  latest: number;
  level: number;
}

/**
 * Adds the fetches of `node` to `nodes` (in an order where dependencies come first), each depending
 * on the fetches that must finish before it; returns the fetches that finish `node`.
 */
function addToDag(
  node: PlanTree,
  deps: DagNode[],
  nodes: DagNode[],
  conditions: (variable: string) => boolean,
): DagNode[] {
  switch (node.kind) {
    case 'fetch': {
      const added: DagNode = { step: node.step, deps, dependents: [], earliest: 0, latest: 0, level: 0 };
      for (const dep of deps) dep.dependents.push(added);
      nodes.push(added);
      return [added];
    }
    case 'sequence': {
      let current = deps;
      for (const child of node.nodes) current = addToDag(child, current, nodes, conditions);
      return current;
    }
    case 'parallel': {
      const finishing: DagNode[] = [];
      for (const child of node.nodes) {
        const done = addToDag(child, deps, nodes, conditions);
        if (done !== deps) finishing.push(...done);
      }
      return finishing.length > 0 ? finishing : deps;
    }
    case 'condition': {
      const branch = conditions(node.variable) ? node.ifClause : node.elseClause;
      return branch ? addToDag(branch, deps, nodes, conditions) : deps;
    }
  }
}

/**
 * Gives each fetch its wave. The number of waves is the longest chain of dependent fetches, as with
 * Apollo's executor. Within that, a fetch with slack (typically a leaf) is moved to a wave where its
 * subgraph is called anyway: per subgraph this is interval stabbing (sort the [earliest, latest]
 * windows by their end, and stab at the end), which needs the fewest waves that call the subgraph.
 */
function assignLevels(nodes: readonly DagNode[], merge: boolean): void {
  let last = 0;
  for (const node of nodes) {
    for (const dep of node.deps) node.earliest = Math.max(node.earliest, dep.earliest + 1);
    node.level = node.earliest;
    last = Math.max(last, node.earliest);
  }
  if (!merge) return;
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index] as DagNode;
    node.latest = last;
    for (const dependent of node.dependents) node.latest = Math.min(node.latest, dependent.latest - 1);
  }
  const byService = new Map<string, DagNode[]>();
  for (const node of nodes) {
    const same = byService.get(node.step.serviceName);
    if (same) same.push(node);
    else byService.set(node.step.serviceName, [node]);
  }
  for (const same of byService.values()) {
    same.sort((a, b) => a.latest - b.latest || a.earliest - b.earliest || a.step.index - b.step.index);
    let stab = -1;
    for (const node of same) {
      if (node.earliest > stab) stab = node.latest;
      node.level = stab;
    }
  }
  // A fetch must still come after the fetches it depends on, wherever they went.
  for (const node of nodes) {
    for (const dep of node.deps) node.level = Math.max(node.level, dep.level + 1);
  }
}

function groupCalls(steps: readonly FetchStep[], lazy: ByteAllowance): Call[] {
  const byService = new Map<string, Map<string, FetchStep[]>>();
  for (const step of steps) {
    let bySignature = byService.get(step.serviceName);
    if (!bySignature) byService.set(step.serviceName, (bySignature = new Map()));
    const same = bySignature.get(step.signature);
    if (same) same.push(step);
    else bySignature.set(step.signature, [step]);
  }
  const calls: Call[] = [];
  for (const bySignature of byService.values()) {
    let mergeable: FetchStep[][] = [];
    for (const group of bySignature.values()) {
      if ((group[0] as FetchStep).rootKeys === undefined) {
        calls.push(call([group], lazy));
        continue;
      }
      mergeable.push(group);
      if (mergeable.length === MAX_PARTS_PER_CALL) {
        calls.push(call(mergeable, lazy));
        mergeable = [];
      }
    }
    if (mergeable.length > 0) calls.push(call(mergeable, lazy));
  }
  return calls.sort((a, b) => firstIndex(a) - firstIndex(b));
}

function firstIndex(call: Call): number {
  return (call.parts[0]?.steps[0] as FetchStep).index;
}

function call(groups: FetchStep[][], lazy: ByteAllowance): Call {
  const parts = groups.map((steps, index): Part => {
    const first = steps[0] as FetchStep;
    const prefix = partPrefix(index);
    return {
      steps,
      prefix,
      isEntityFetch: first.requires !== undefined,
      queryJson: first.queryJson,
      operationNameJson: first.operationNameJson,
      variableUsages: first.variableUsages,
      variableKeys: first.variableKeys,
      prefixedVariableKeys: first.variableUsages.map((name) => `${JSON.stringify(prefix + name)}:`),
      aliases: new Map((first.rootKeys ?? []).map((key) => [prefix + key, key])),
    };
  });
  const serviceName = (groups[0]?.[0] as FetchStep).serviceName;
  return { serviceName, parts, mergedQueries: new Map(), mergedBytes: 0, lazy };
}

/**
 * The merged query for the parts in `mask`, as JSON text; built once per combination, and kept while
 * the plan's allowance has room for it.
 */
export function mergedQueryJson(call: Call, mask: number): string {
  let json = call.mergedQueries.get(mask);
  if (json === undefined) {
    const active = call.parts.filter((_part, index) => (mask & (1 << index)) !== 0);
    const name = active[0]?.steps[0]?.operationName;
    const parts = active.map((part) => ({
      document: (part.steps[0] as FetchStep).document,
      prefix: part.prefix,
    }));
    json = JSON.stringify(mergeOperations(parts, name));
    // Which parts have something to fetch depends on the data; keep the combinations seen bounded.
    const bytes = mergedQueryBytes(json);
    if (call.mergedQueries.size >= MAX_MERGED_QUERIES_PER_CALL || !call.lazy.take(bytes)) {
      call.mergedQueries.clear();
      call.lazy.give(call.mergedBytes);
      call.mergedBytes = 0;
      if (!call.lazy.take(bytes)) return json;
    }
    call.mergedQueries.set(mask, json);
    call.mergedBytes += bytes;
  }
  return json;
}

const singleStepCalls = new WeakMap<FetchStep, Call>();
const UNMERGED = new ByteAllowance(0);

/** A call of one fetch alone: how a merged request that failed as a whole is retried. */
export function singleStepCall(step: FetchStep): Call {
  let single = singleStepCalls.get(step);
  // One part is never merged: it takes nothing from an allowance, and its plan's estimate counts it.
  if (!single) singleStepCalls.set(step, (single = call([[step]], UNMERGED)));
  return single;
}

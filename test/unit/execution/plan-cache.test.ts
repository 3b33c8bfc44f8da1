import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readBenchFile } from '../../../bench/subgraphs/workload.js';
import type { ApolloPlan, CompiledPlan } from '../../../src/execution/plan/compile-plan.js';
import { ByteAllowance, estimatePlanBytes } from '../../../src/execution/plan/plan-bytes.js';
import {
  cachedSchedule,
  mergedQueryJson,
  scheduleFor,
  type Call,
} from '../../../src/execution/plan/schedule.js';
import { SupergraphState } from '../../../src/execution/plan/supergraph-state.js';
import type { LruCacheLimits } from '../../../src/execution/lru-cache.js';
import { composeFixture } from './fixture.js';

const KIB = 1024;
const MIB = 1024 * KIB;

const fixture = composeFixture({ hello: 'type Query { hello: String n(x: Int): Int }' });

function stateWith(limits: LruCacheLimits): SupergraphState {
  return new SupergraphState(undefined as never, fixture.sdl, limits, () => {});
}

function compiled(plan: CompiledPlan | ApolloPlan): CompiledPlan {
  if (plan.kind !== 'gatehouse') throw new Error(`falls back to Apollo: ${plan.reason}`);
  return plan;
}

/** Operation `k` with `aliases` aliased fields. */
function aliased(aliases: number, k: number): string {
  return `query Q${k} { ${Array.from({ length: aliases }, (_, i) => `f${k}_${i}: hello`).join(' ')} }`;
}

function planFor(state: SupergraphState, query: string, hash = query): CompiledPlan {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return compiled(state.planFor(hash, undefined, document, operation.variableDefinitions ?? []));
}

describe('the plan cache', () => {
  it('keeps small plans, and not one estimated above the limit for one plan', () => {
    const state = stateWith({ maxBytes: 8 * MIB, maxEntryBytes: 512 * KIB });
    const small = planFor(state, '{ hello }');
    expect(planFor(state, '{ hello }')).toBe(small);
    expect(state.cached.plans).toBe(1);

    const large = aliased(1000, 0);
    const first = planFor(state, large);
    expect(estimatePlanBytes(first, 0)).toBeGreaterThan(512 * KIB);
    // Planned again for every request, and still correct.
    const second = planFor(state, large);
    expect(second).not.toBe(first);
    expect(second.shape.selectionCount).toBe(1000);
    expect(state.cached.plans).toBe(1);
    expect(planFor(state, '{ hello }')).toBe(small);
  });

  it('evicts by estimated bytes, keeping the most recently used plans', () => {
    const state = stateWith({ maxBytes: MIB });
    const plans = Array.from({ length: 40 }, (_, k) => planFor(state, aliased(50, k)));
    expect(state.cached.bytes).toBeLessThanOrEqual(MIB);
    expect(state.cached.plans).toBeGreaterThan(1);
    expect(state.cached.plans).toBeLessThan(40);
    expect(planFor(state, aliased(50, 39))).toBe(plans[39]);
    expect(planFor(state, aliased(50, 0))).not.toBe(plans[0]);
  });

  it('estimates a plan by what it holds, within the calibrated range', () => {
    const state = stateWith({ maxBytes: 64 * MIB });
    const bytes = [10, 100, 1000].map((aliases) =>
      estimatePlanBytes(planFor(state, aliased(aliases, aliases)), 0),
    );
    expect(bytes[0]).toBeLessThan(bytes[1] as number);
    // bench/plan-memory.mjs measured 1,093 KiB kept by a plan of 1,000 aliases of one field.
    expect(bytes[2]).toBeGreaterThan(1093 * KIB);
    expect(bytes[2]).toBeLessThan(2 * 1093 * KIB);
    // The operation text that variable definitions point into counts too.
    const withVariable = planFor(state, 'query V($x: Int) { n(x: $x) }');
    expect(estimatePlanBytes(withVariable, 100_000) - estimatePlanBytes(withVariable, 0)).toBe(200_000);
  });

  it("keeps variable definitions with their locations, without the parser's tokens", () => {
    const state = stateWith({ maxBytes: MIB });
    const query = 'query V($x: Int = 3) { n(x: $x) }';
    const document = parse(query);
    const [original] = (document.definitions[0] as OperationDefinitionNode).variableDefinitions ?? [];
    const plan = compiled(state.planFor('v', undefined, document, original ? [original] : []));
    const [kept] = plan.variableDefinitions;
    expect(kept).not.toBe(original);
    expect(kept?.variable.name.value).toBe('x');
    expect(kept?.defaultValue).toMatchObject({ kind: 'IntValue', value: '3' });
    expect(kept?.loc?.start).toBe(original?.loc?.start);
    expect(kept?.loc?.source).toBe(original?.loc?.source);
    expect(kept?.loc?.startToken.next).toBeNull();
    expect(kept?.loc?.startToken.prev).toBeNull();
    expect(kept?.type.loc?.startToken.next).toBeNull();
  });
});

describe("a plan's allowance", () => {
  const benchState = new SupergraphState(
    undefined as never,
    readBenchFile('supergraph.graphql'),
    { maxBytes: 64 * MIB },
    () => {},
  );
  const benchPlan = (): CompiledPlan =>
    compiled(benchState.planFor('bench', 'TestQuery', parse(readBenchFile('query.graphql')), []));

  /** A call of the benchmark's schedule that sends three operations at once, made with `allowance`. */
  function mergedCall(allowance: ByteAllowance): Call {
    const calls = scheduleFor(benchPlan(), () => false, allowance).waves.flatMap((wave) => wave.calls);
    const call = calls.find((candidate) => candidate.parts.length === 3);
    if (!call) throw new Error('the benchmark schedule has no call of three parts');
    return call;
  }

  it('keeps a schedule per combination of Condition values', () => {
    const conditional = composeFixture({
      counter:
        'type Query { value: Int } type Note @key(fields: "id") { id: ID! text: String! } type Mutation { note: Note }',
      audit: 'type Note @key(fields: "id") { id: ID! length: Int }',
    });
    const state = new SupergraphState(undefined as never, conditional.sdl, { maxBytes: MIB }, () => {});
    const query = 'mutation M($more: Boolean!) { note { text length @include(if: $more) } }';
    const plan = compiled(state.planFor('m', undefined, parse(query), []));
    expect(plan.planConditions).toEqual(['more']);
    const withLength = cachedSchedule(plan, [true]);
    const without = cachedSchedule(plan, [false]);
    expect(withLength.waves).toHaveLength(2);
    expect(without.waves).toHaveLength(1);
    expect(cachedSchedule(plan, [true])).toBe(withLength);
    expect(cachedSchedule(plan, [false])).toBe(without);
  });

  it('gives out no more than its limit', () => {
    const allowance = new ByteAllowance(100);
    expect(allowance.take(60)).toBe(true);
    expect(allowance.take(50)).toBe(false);
    allowance.give(60);
    expect(allowance.take(100)).toBe(true);
  });

  it('keeps merged queries while it has room, and builds them anyway when it has not', () => {
    const unbounded = mergedCall(new ByteAllowance(Number.MAX_SAFE_INTEGER));
    const all = mergedQueryJson(unbounded, 0b111);
    expect(mergedQueryJson(unbounded, 0b111)).toBe(all);
    expect(unbounded.mergedQueries.size).toBe(1);
    const firstTwo = mergedQueryJson(unbounded, 0b011);
    expect(unbounded.mergedQueries.size).toBe(2);

    const none = mergedCall(new ByteAllowance(0));
    expect(mergedQueryJson(none, 0b111)).toBe(all);
    expect(none.mergedQueries.size).toBe(0);

    // Room for one: the next combination takes the place of the last.
    const one = mergedCall(new ByteAllowance(all.length + 64));
    mergedQueryJson(one, 0b111);
    expect(mergedQueryJson(one, 0b011)).toBe(firstTwo);
    expect([...one.mergedQueries.keys()]).toEqual([0b011]);
  });
});

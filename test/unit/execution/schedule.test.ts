import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readBenchFile } from '../../../bench/subgraphs/workload.js';
import { compilePlan, type CompiledPlan } from '../../../src/execution/plan/compile-plan.js';
import { scheduleFor, type Schedule } from '../../../src/execution/plan/schedule.js';
import { SupergraphState } from '../../../src/execution/plan/supergraph-state.js';
import { composeFixture } from './fixture.js';

function describeSchedule(schedule: Schedule): string[][] {
  return schedule.waves.map((wave) =>
    wave.calls.map((call) => `${call.serviceName}:${call.parts.map((part) => part.steps.length).join('+')}`),
  );
}

function compiled(plan: ReturnType<typeof compilePlan>): CompiledPlan {
  if (plan.kind !== 'gatehouse') throw new Error(`falls back to Apollo: ${plan.reason}`);
  return plan;
}

describe('the wave scheduler', () => {
  it('runs the benchmark query in 4 waves and 6 requests (Apollo: 16 fetches)', () => {
    const state = new SupergraphState(
      undefined as never,
      readBenchFile('supergraph.graphql'),
      { maxBytes: 1 << 24 },
      () => {},
    );
    const plan = compiled(state.planFor('hash', 'TestQuery', parse(readBenchFile('query.graphql')), []));
    expect(plan.steps).toHaveLength(16);
    const schedule = scheduleFor(plan, () => false);
    // Wave 0: the two root fetches. Wave 1: both reviews fetches, as one operation. Wave 2: the three
    // products fetches, one operation over the union of their representations. Wave 3: everything
    // else that can wait until then: the inventory fetches (three operations, one request) and the
    // accounts fetches.
    expect(describeSchedule(schedule)).toEqual([
      ['accounts:1', 'products:1'],
      ['reviews:1+1'],
      ['products:3'],
      ['inventory:3+3+1', 'accounts:2'],
    ]);
  });

  const fixture = composeFixture({
    counter: `
      type Query { value: Int }
      type Mutation { increment: Int reset: Int note(text: String!): Note }
      type Note @key(fields: "id") { id: ID! text: String! }
    `,
    audit: `
      type Mutation { double: Int }
      type Note @key(fields: "id") { id: ID! length: Int }
    `,
  });

  it('keeps mutations in order, one request per fetch', () => {
    const operation = fixture.operation(
      'mutation { a: increment b: double c: increment d: note(text: "x") { length } e: double }',
    );
    const plan = compiled(compilePlan(fixture.plan(operation), operation, [], fixture.facts));
    expect(plan.isMutation).toBe(true);
    const waves = describeSchedule(scheduleFor(plan, () => false));
    expect(waves.every((wave) => wave.length === 1 && wave[0]?.endsWith(':1'))).toBe(true);
    expect(waves.map((wave) => wave[0]?.split(':')[0])).toEqual([
      'counter',
      'audit',
      'counter',
      'audit',
      'audit',
    ]);
  });

  it('settles Condition nodes by the variables', () => {
    const operation = fixture.operation('query Q($withLength: Boolean!) { value }');
    const plan = compiled(compilePlan(fixture.plan(operation), operation, [], fixture.facts));
    expect(plan.planConditions).toEqual([]);
    const conditional = fixture.operation(
      'mutation M($more: Boolean!) { note(text: "x") { text length @include(if: $more) } }',
    );
    const conditionalPlan = compiled(compilePlan(fixture.plan(conditional), conditional, [], fixture.facts));
    expect(conditionalPlan.planConditions).toEqual(['more']);
    expect(describeSchedule(scheduleFor(conditionalPlan, () => true))).toEqual([['counter:1'], ['audit:1']]);
    expect(describeSchedule(scheduleFor(conditionalPlan, () => false))).toEqual([['counter:1']]);
  });

  it('leaves to Apollo what it does not run: introspection, subscriptions', () => {
    const introspection = fixture.operation('{ __schema { queryType { name } } }');
    expect(compilePlan(fixture.plan(introspection), introspection, [], fixture.facts)).toMatchObject({
      kind: 'apollo',
      reason: 'introspection',
    });
  });
});

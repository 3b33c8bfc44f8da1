import { buildSchema, getOperationAST, parse, validate } from 'graphql';
import { expect } from 'vitest';
import { actualCost } from '../../../src/security/cost/actual.js';
import { buildCostTable } from '../../../src/security/cost/cost-table.js';
import { estimateCost, type Estimate } from '../../../src/security/cost/estimate.js';

/** The cost spec's directives as Federation 2.9 defines them (`weight: Int!`). */
export const FEDERATION_COST_DIRECTIVES = `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
`;

/** The same directives as IBM's spec defines them (`weight: String!`, a serialized Float). */
export const IBM_COST_DIRECTIVES = FEDERATION_COST_DIRECTIVES.replace('weight: Int!', 'weight: String!');

export interface CostCase {
  sdl: string;
  query: string;
  variables?: Record<string, unknown>;
  listSize?: number;
}

function prepare({ sdl, query }: CostCase) {
  const schema = buildSchema(sdl);
  const table = buildCostTable(sdl, schema);
  const document = parse(query);
  expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('the test query has no single operation');
  return { table, document, operation };
}

/** The estimate of a query against a schema written with the cost directives. */
export function estimate(input: CostCase): Estimate {
  return estimateCost({ ...prepare(input), variables: input.variables }, input.listSize ?? 10);
}

/** The actual cost of a response to a query. */
export function actual(input: CostCase & { data: Record<string, unknown> }): number {
  return actualCost({ ...prepare(input), variables: input.variables, data: input.data });
}

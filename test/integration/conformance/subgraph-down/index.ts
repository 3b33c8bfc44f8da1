import type { ConformanceScenario } from '../types.js';
import { catalogSubgraph, inventorySubgraph } from './subgraphs.js';

/** What a client sees of an unreachable subgraph: its name and the reason, never its address. */
const unavailable = {
  message: 'Subgraph "inventory" could not be reached (connection refused).',
  extensions: { serviceName: 'inventory', code: 'SUBGRAPH_UNAVAILABLE' },
};
/** An entity fetch that failed as a whole is reported at the field that holds its entities. */
const unavailableAt = (...path: string[]) => ({
  message: unavailable.message,
  path,
  extensions: unavailable.extensions,
});
/** Apollo Gateway gives the error of a failed entity fetch no path at all. */
const noPath = {
  apollo:
    'Apollo Gateway reports the failed entity fetch without a path, so nothing tells the client which ' +
    'fields are missing for it. apollographql/router#4548 added the path in the Router.',
};

export const subgraphDown: ConformanceScenario = {
  name: 'a subgraph that is down',
  subgraphs: [catalogSubgraph, inventorySubgraph],
  unavailable: ['inventory'],
  cases: [
    {
      name: 'a nullable entity field of the down subgraph: partial data and one error',
      query: '{ products { name inStock } }',
      expected: {
        data: {
          products: [
            { name: 'Tent', inStock: null },
            { name: 'Stove', inStock: null },
          ],
        },
        errors: [unavailableAt('products')],
      },
      subgraphRequests: { catalog: 1 },
      knownBugs: noPath,
    },
    {
      name: 'a query that does not need the down subgraph is unaffected',
      query: '{ products { name } featured { id } }',
      expected: { data: { products: [{ name: 'Tent' }, { name: 'Stove' }], featured: { id: 'p1' } } },
      subgraphRequests: { catalog: 1 },
    },
    {
      name: 'root fields of the up and the down subgraph: 200 with partial data',
      query: '{ products { id } warehouses { name } }',
      expected: { data: { products: [{ id: 'p1' }, { id: 'p2' }], warehouses: null }, errors: [unavailable] },
    },
    {
      name: 'two fetches to the down subgraph: one error each',
      query: '{ featured { name inStock } warehouses { name } }',
      expected: {
        data: { featured: { name: 'Tent', inStock: null }, warehouses: null },
        errors: [unavailableAt('featured'), unavailable],
      },
      knownBugs: noPath,
    },
    {
      name: 'only a nullable root field of the down subgraph: every field null, so 502',
      query: '{ warehouses { name } }',
      status: 502,
      expected: { data: { warehouses: null }, errors: [unavailable] },
    },
    {
      name: 'a non-null root field of the down subgraph: data null, 502',
      query: '{ primaryWarehouse { name } }',
      status: 502,
      expected: { data: null, errors: [unavailable] },
    },
    {
      name: 'a non-null entity field of the down subgraph: the null reaches the nullable root field',
      query: '{ featured { name stockCount } }',
      status: 502,
      expected: { data: { featured: null }, errors: [unavailableAt('featured')] },
      knownBugs: noPath,
    },
    {
      name: 'a non-null entity field of the down subgraph below non-null lists: data null',
      query: '{ products { name stockCount } }',
      status: 502,
      expected: { data: null, errors: [unavailableAt('products')] },
      subgraphRequests: { catalog: 1 },
      knownBugs: noPath,
    },
  ],
};

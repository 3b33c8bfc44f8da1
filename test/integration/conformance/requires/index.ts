import type { ConformanceScenario } from '../types.js';
import { productsSubgraph, shipping } from './subgraphs.js';

export const requires: ConformanceScenario = {
  name: '@requires',
  subgraphs: [productsSubgraph, shipping],
  cases: [
    {
      name: 'a field requiring a scalar field of its owner',
      query: '{ product(upc: "p1") { name handlingNote } }',
      expected: { data: { product: { name: 'Kettle', handlingNote: 'Handle as kitchen' } } },
      subgraphRequests: { products: 1, shipping: 1 },
    },
    {
      name: 'required fields the client did not ask for stay out of the response',
      query: '{ product(upc: "p2") { handlingNote } }',
      expected: { data: { product: { handlingNote: 'Handle as tools' } } },
      subgraphRequests: { products: 1, shipping: 1 },
    },
    {
      name: 'nested @requires(fields: "dimensions { weight }") over a list, in one batch',
      query: '{ topProducts { upc freightClass } }',
      expected: {
        data: {
          topProducts: [
            { upc: 'p1', freightClass: 'LIGHT' },
            { upc: 'p2', freightClass: 'HEAVY' },
            { upc: 'p3', freightClass: 'UNKNOWN' },
            { upc: 'p4', freightClass: 'UNKNOWN' },
          ],
        },
      },
      subgraphRequests: { products: 1, shipping: 1 },
    },
    {
      name: 'nested @requires of several fields, with a null parent object',
      query: '{ topProducts { upc packageVolume } }',
      expected: {
        data: {
          topProducts: [
            { upc: 'p1', packageVolume: 9000 },
            { upc: 'p2', packageVolume: 24000 },
            { upc: 'p3', packageVolume: 5400 },
            { upc: 'p4', packageVolume: null },
          ],
        },
      },
    },
    {
      name: 'a required field with arguments: price(currency: "EUR")',
      query: '{ product(upc: "p1") { insuranceCost } }',
      expected: { data: { product: { insuranceCost: 450 } } },
      subgraphRequests: { products: 1, shipping: 1 },
    },
    {
      name: 'a required field with arguments next to the same field with other arguments',
      query: '{ product(upc: "p1") { price insuranceCost eur: price(currency: "EUR") } }',
      expected: { data: { product: { price: 4999, insuranceCost: 450, eur: 4499 } } },
      knownBugs: {
        apollo:
          'The query planner merges the required price(currency: "EUR") into the client\'s unaliased `price` ' +
          '(USD), so shipping computes insuranceCost from 4999 instead of 4499 and answers 500: wrong data, ' +
          'no error. apollographql/federation#2276 and #2996.',
      },
    },
    {
      name: 'a requiring field with arguments, aliased twice',
      query: /* GraphQL */ `
        {
          product(upc: "p2") {
            standard: shippingEstimate(zip: "10001")
            express: shippingEstimate(zip: "10001", express: true)
          }
        }
      `,
      expected: { data: { product: { standard: '7 days to 10001', express: 'freight only to 10001' } } },
      subgraphRequests: { products: 1, shipping: 1 },
    },
    {
      name: 'a requiring field with arguments from variables; an absent variable leaves the default',
      query: /* GraphQL */ `
        query Estimate($zip: String!, $express: Boolean) {
          topProducts {
            upc
            shippingEstimate(zip: $zip, express: $express)
          }
        }
      `,
      variables: { zip: '94107' },
      expected: {
        data: {
          topProducts: [
            { upc: 'p1', shippingEstimate: '3 days to 94107' },
            { upc: 'p2', shippingEstimate: '7 days to 94107' },
            { upc: 'p3', shippingEstimate: '3 days to 94107' },
            { upc: 'p4', shippingEstimate: 'instant delivery' },
          ],
        },
      },
    },
    {
      name: 'several requiring fields are resolved in one fetch',
      query: '{ product(upc: "p3") { handlingNote freightClass packageVolume insuranceCost } }',
      expected: {
        data: {
          product: {
            handlingNote: 'Handle as decor',
            freightClass: 'UNKNOWN',
            packageVolume: 5400,
            insuranceCost: 135,
          },
        },
      },
      subgraphRequests: { products: 1, shipping: 1 },
    },
    {
      name: 'the client also selects the required fields',
      query: /* GraphQL */ `
        {
          product(upc: "p1") {
            category
            dimensions {
              weight
            }
            freightClass
            shippingEstimate(zip: "2000", express: true)
          }
        }
      `,
      expected: {
        data: {
          product: {
            category: 'kitchen',
            dimensions: { weight: 1200 },
            freightClass: 'LIGHT',
            shippingEstimate: '1 day to 2000',
          },
        },
      },
      subgraphRequests: { products: 1, shipping: 1 },
    },
  ],
};

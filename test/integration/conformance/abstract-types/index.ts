import type { ConformanceScenario } from '../types.js';
import { mediaSubgraph, ratingsSubgraph, searchSubgraph } from './subgraphs.js';

export const abstractTypes: ConformanceScenario = {
  name: 'interfaces, unions and @interfaceObject',
  subgraphs: [mediaSubgraph, ratingsSubgraph, searchSubgraph],
  cases: [
    {
      name: 'interface: inline fragments on each implementation',
      query: '{ media { __typename id title ... on Book { pages } ... on Movie { runtimeMinutes } } }',
      expected: {
        data: {
          media: [
            { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
            { __typename: 'Book', id: 'b2', title: 'Neuromancer', pages: 271 },
            { __typename: 'Movie', id: 'm1', title: 'Alien', runtimeMinutes: 117 },
            { __typename: 'Movie', id: 'm2', title: 'Arrival', runtimeMinutes: 116 },
          ],
        },
      },
      subgraphRequests: { media: 1 },
    },
    {
      name: 'interface: a named fragment on the interface with a nested type condition',
      query: /* GraphQL */ `
        query Card {
          mediaItem(id: "m2") {
            ...MediaCard
          }
        }
        fragment MediaCard on Media {
          title
          ... on Movie {
            runtimeMinutes
          }
          ... on Book {
            pages
          }
        }
      `,
      expected: { data: { mediaItem: { title: 'Arrival', runtimeMinutes: 116 } } },
    },
    {
      name: '@interfaceObject: a field added to every implementation',
      query: '{ media { title rating } }',
      expected: {
        data: {
          media: [
            { title: 'Dune', rating: 4.6 },
            { title: 'Neuromancer', rating: 4.1 },
            { title: 'Alien', rating: 4.8 },
            { title: 'Arrival', rating: 4.3 },
          ],
        },
      },
      subgraphRequests: { media: 1, ratings: 1 },
    },
    {
      name: '@interfaceObject: its fields under a type condition on one implementation',
      query: '{ media { ... on Book { title ratingCount } } }',
      expected: {
        data: {
          media: [{ title: 'Dune', ratingCount: 1200 }, { title: 'Neuromancer', ratingCount: 800 }, {}, {}],
        },
      },
    },
    {
      name: '@interfaceObject: a root field returning the interface resolves the concrete types',
      query: '{ topRated { __typename title rating ... on Movie { runtimeMinutes } } }',
      expected: {
        data: {
          topRated: [
            { __typename: 'Movie', title: 'Alien', rating: 4.8, runtimeMinutes: 117 },
            { __typename: 'Book', title: 'Dune', rating: 4.6 },
          ],
        },
      },
    },
    {
      name: '@interfaceObject: __typename alone still needs the owner of the interface',
      query: '{ topRated(limit: 3) { __typename id } }',
      expected: {
        data: {
          topRated: [
            { __typename: 'Movie', id: 'm1' },
            { __typename: 'Book', id: 'b1' },
            { __typename: 'Movie', id: 'm2' },
          ],
        },
      },
      subgraphRequests: { ratings: 1, media: 1 },
    },
    {
      name: 'union: members resolved in other subgraphs',
      query:
        '{ search(term: "dune") { __typename ... on Book { title pages rating } ... on Person { name } } }',
      expected: { data: { search: [{ __typename: 'Book', title: 'Dune', pages: 412, rating: 4.6 }] } },
      subgraphRequests: { search: 1, media: 1, ratings: 1 },
    },
    {
      name: 'union: mixed members keep their order',
      query: '{ search(term: "er") { __typename ... on Book { id title } ... on Person { id name } } }',
      expected: {
        data: {
          search: [
            { __typename: 'Person', id: 'a1', name: 'Frank Herbert' },
            { __typename: 'Book', id: 'b2', title: 'Neuromancer' },
          ],
        },
      },
    },
    {
      name: 'union: __typename alone is answered by the union owner',
      query: '{ search(term: "n") { __typename } }',
      expected: {
        data: {
          search: [
            { __typename: 'Book' },
            { __typename: 'Person' },
            { __typename: 'Book' },
            { __typename: 'Person' },
          ],
        },
      },
      subgraphRequests: { search: 1 },
    },
    {
      name: 'union: a fragment on an interface one member implements',
      query: '{ search(term: "n") { ... on Media { title } ... on Person { name } } }',
      expected: {
        data: {
          search: [
            { title: 'Dune' },
            { name: 'Frank Herbert' },
            { title: 'Neuromancer' },
            { name: 'William Gibson' },
          ],
        },
      },
    },
    {
      name: 'union member → its owner → back to the union owner',
      query: '{ search(term: "neuromancer") { ... on Book { title author { name } } } }',
      expected: { data: { search: [{ title: 'Neuromancer', author: { name: 'William Gibson' } }] } },
      subgraphRequests: { search: 2, media: 1 },
    },
    {
      name: 'interface: an unknown item is null',
      query: '{ mediaItem(id: "x9") { __typename title } }',
      expected: { data: { mediaItem: null } },
      subgraphRequests: { media: 1 },
    },
  ],
};

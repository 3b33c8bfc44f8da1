import type { ConformanceScenario } from '../types.js';
import { referenceCases } from './reference-cases.js';
import { catalogSubgraph, inventorySubgraph, picksSubgraph, reviewsSubgraph } from './subgraphs.js';

/**
 * Media is an entity interface owned by catalog (Book, Movie), an @interfaceObject in reviews,
 * and only a non-resolvable reference in inventory (@interfaceObject) and picks (the interface,
 * with Book alone).
 */
export const interfaceObjects: ConformanceScenario = {
  name: '@interfaceObject with non-resolvable keys',
  subgraphs: [catalogSubgraph, reviewsSubgraph, inventorySubgraph, picksSubgraph],
  cases: [
    {
      name: 'interface root field: fields of the interface owner and of the @interfaceObject',
      query: '{ catalog { __typename id title rating } }',
      expected: {
        data: {
          catalog: [
            { __typename: 'Book', id: 'b1', title: 'Dune', rating: 4.5 },
            { __typename: 'Book', id: 'b2', title: 'Hyperion', rating: null },
            { __typename: 'Movie', id: 'm1', title: 'Alien', rating: 5 },
            { __typename: 'Movie', id: 'm2', title: 'Heat', rating: 3 },
          ],
        },
      },
      subgraphRequests: { catalog: 1, reviews: 1 },
    },
    {
      name: '@interfaceObject root field: the concrete __typename and typed fields come from the owner',
      query: /* GraphQL */ `
        {
          topRated {
            __typename
            title
            rating
            ... on Book {
              pages
            }
            ... on Movie {
              runtimeMinutes
            }
          }
        }
      `,
      expected: {
        data: {
          topRated: [
            { __typename: 'Movie', title: 'Alien', rating: 5, runtimeMinutes: 117 },
            { __typename: 'Book', title: 'Dune', rating: 4.5, pages: 412 },
          ],
        },
      },
      subgraphRequests: { reviews: 1, catalog: 1 },
    },
    {
      name: '@interfaceObject on a value type of its subgraph (Review.media), repeated ids in one batch',
      query: '{ latestReviews { body media { __typename title } } }',
      expected: {
        data: {
          latestReviews: [
            { body: 'Too long', media: { __typename: 'Movie', title: 'Heat' } },
            { body: 'A desert epic', media: { __typename: 'Book', title: 'Dune' } },
            { body: 'Still terrifying', media: { __typename: 'Movie', title: 'Alien' } },
            { body: 'Slow middle', media: { __typename: 'Book', title: 'Dune' } },
          ],
        },
      },
      subgraphRequests: { reviews: 1, catalog: 1 },
    },
    {
      name: 'skipped and included type conditions on @interfaceObject results, from variables',
      query: /* GraphQL */ `
        query Ranked($withBooks: Boolean!, $skipRating: Boolean = false) {
          topRated(first: 3) {
            id
            rating @skip(if: $skipRating)
            ... on Book @include(if: $withBooks) {
              pages
            }
          }
        }
      `,
      variables: { withBooks: true, skipRating: true },
      expected: { data: { topRated: [{ id: 'm1' }, { id: 'b1', pages: 412 }, { id: 'm2' }] } },
      subgraphRequests: { reviews: 1, catalog: 1 },
    },
    ...referenceCases,
    {
      // picks sends `Book` references: catalog must get them as Book, reviews as Media.
      name: 'an interface with a non-resolvable key in a subgraph with only one implementation',
      query: '{ staffPicks { note media { __typename id title rating } } }',
      expected: {
        data: {
          staffPicks: [
            {
              note: 'Pilgrims and the Shrike',
              media: { __typename: 'Book', id: 'b2', title: 'Hyperion', rating: null },
            },
            { note: 'Spice must flow', media: { __typename: 'Book', id: 'b1', title: 'Dune', rating: 4.5 } },
          ],
        },
      },
      subgraphRequests: { picks: 1, catalog: 1, reviews: 1 },
    },
    {
      // picks sends the concrete __typename itself: no other subgraph is needed to apply the conditions.
      name: 'a type condition on an implementation the referencing subgraph does not define',
      query: '{ staffPicks { media { ... on Movie { title } ... on Book { id } } } }',
      expected: { data: { staffPicks: [{ media: { id: 'b2' } }, { media: { id: 'b1' } }] } },
      subgraphRequests: { picks: 1 },
    },
    {
      // The Book references go straight to reviews, rewritten as Media.
      name: 'a non-resolvable interface reference: an @interfaceObject field under a type condition',
      query: '{ staffPicks { media { ... on Book { rating } } } }',
      expected: { data: { staffPicks: [{ media: { rating: null } }, { media: { rating: 4.5 } }] } },
      subgraphRequests: { picks: 1, reviews: 1 },
    },
  ],
};

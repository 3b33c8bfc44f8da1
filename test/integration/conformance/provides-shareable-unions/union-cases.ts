import type { ConformanceCase } from '../types.js';

const P1 = 'Federation makes graphs compose';

/**
 * FeedItem = Post | Event | Ad: feed owns the union and Ad, posts owns Post, events owns Event,
 * and posts and events each declare the union with fewer members.
 */
export const unionCases: ConformanceCase[] = [
  {
    name: 'union list mixing members of three owners, a null entry, __typename',
    query: '{ feed { __typename ... on Post { text } ... on Event { name } ... on Ad { sponsor } } }',
    expected: {
      data: {
        feed: [
          { __typename: 'Post', text: P1 },
          { __typename: 'Event', name: 'GraphQL Summit' },
          null,
          { __typename: 'Ad', sponsor: 'Acme' },
          { __typename: 'Post', text: 'Hello world' },
          { __typename: 'Event', name: 'Federation meetup' },
        ],
      },
    },
    // One batched fetch per member owner.
    subgraphRequests: { feed: 1, posts: 1, events: 1 },
  },
  {
    name: 'union list: a fragment on the member the union owner owns needs no other subgraph',
    query: '{ feed { ... on Ad { id headline } } }',
    expected: { data: { feed: [{}, {}, null, { id: 'a1', headline: 'Buy anvils' }, {}, {}] } },
    subgraphRequests: { feed: 1 },
  },
  {
    name: 'union value from a variable: only its member’s owner is asked',
    query: /* GraphQL */ `
      query Item($id: ID!) {
        feedItem(id: $id) {
          __typename
          ... on Post {
            text
          }
          ... on Event {
            name
            capacity
          }
        }
      }
    `,
    variables: { id: 'e2' },
    expected: { data: { feedItem: { __typename: 'Event', name: 'Federation meetup', capacity: 50 } } },
    subgraphRequests: { feed: 1, events: 1 },
  },
  {
    name: 'union values under aliases, one of them null',
    query: '{ post: feedItem(id: "p2") { ... on Post { text } } none: feedItem(id: "zz") { __typename } }',
    expected: { data: { post: { text: 'Hello world' }, none: null } },
    subgraphRequests: { feed: 1, posts: 1 },
  },
  {
    name: 'union declared with fewer members in another subgraph: a fragment on a member it cannot return',
    query: '{ pinned { __typename ... on Post { id text } ... on Event { name } } }',
    expected: {
      data: {
        pinned: [
          { __typename: 'Post', id: 'p2', text: 'Hello world' },
          { __typename: 'Post', id: 'p1', text: P1 },
        ],
      },
    },
    subgraphRequests: { posts: 1 },
  },
  {
    name: 'union nested in a member owned by another subgraph: feed → events → posts',
    query: /* GraphQL */ `
      {
        feedItem(id: "e1") {
          ... on Event {
            name
            related {
              __typename
              ... on Post {
                text
              }
              ... on Event {
                name
              }
            }
          }
        }
      }
    `,
    expected: {
      data: {
        feedItem: {
          name: 'GraphQL Summit',
          related: [
            { __typename: 'Post', text: P1 },
            { __typename: 'Event', name: 'Federation meetup' },
          ],
        },
      },
    },
    subgraphRequests: { feed: 1, events: 1, posts: 1 },
  },
  {
    name: 'named fragments on the union and its members; key fields need no fetch',
    query: /* GraphQL */ `
      query Feed {
        feed {
          ...Card
        }
      }
      fragment Card on FeedItem {
        kind: __typename
        ...PostCard
        ...EventCard
      }
      fragment PostCard on Post {
        id
      }
      fragment EventCard on Event {
        id
        attendees
      }
    `,
    expected: {
      data: {
        feed: [
          { kind: 'Post', id: 'p1' },
          { kind: 'Event', id: 'e1', attendees: ['ann', 'bob', 'cy'] },
          null,
          { kind: 'Ad' },
          { kind: 'Post', id: 'p2' },
          { kind: 'Event', id: 'e2', attendees: ['dee'] },
        ],
      },
    },
    // Post ids are in feed's answer; only Event.attendees needs its owner.
    subgraphRequests: { feed: 1, events: 1 },
  },
];

import type { ConformanceCase } from '../types.js';

/**
 * dailyAverage requires stats { views(period: "week") }: a field with arguments below one without.
 * Views (day / week): a1 40 / 350, a2 70 / 280, a3 0 / 0, a4 5 / 7. Covers: a1 and a4 images, a2 a
 * video, a3 none.
 */
export const nestedCases: ConformanceCase[] = [
  {
    name: 'a requirement nested below a field without arguments, alone',
    query: '{ article(id: "a1") { dailyAverage } }',
    expected: { data: { article: { dailyAverage: 50 } } },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    name: "a nested requirement next to the client's same field with its default arguments",
    query: '{ article(id: "a1") { stats { views } dailyAverage } }',
    expected: { data: { article: { stats: { views: 40 }, dailyAverage: 50 } } },
    subgraphRequests: { blog: 1, insights: 1 },
    knownBugs: {
      apollo:
        'The query planner merges the required stats { views(period: "week") } into the client\'s ' +
        'stats { views } (a day): insights receives 40 for 350, dailyAverage is null with an error. ' +
        'apollographql/federation#2276.',
    },
  },
  {
    name: 'a nested requirement over a list, the client aliasing the field twice after it',
    query: /* GraphQL */ `
      {
        articles {
          id
          dailyAverage
          stats {
            today: views
            weekly: views(period: "week")
          }
        }
      }
    `,
    expected: {
      data: {
        articles: [
          { id: 'a1', dailyAverage: 50, stats: { today: 40, weekly: 350 } },
          { id: 'a2', dailyAverage: 40, stats: { today: 70, weekly: 280 } },
          { id: 'a3', dailyAverage: 0, stats: { today: 0, weekly: 0 } },
          { id: 'a4', dailyAverage: 1, stats: { today: 5, weekly: 7 } },
        ],
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
  },
  {
    name: 'a nested requirement before the client field with other arguments from a variable',
    query: /* GraphQL */ `
      query Views($period: String!) {
        article(id: "a2") {
          dailyAverage
          stats {
            views(period: $period)
          }
        }
      }
    `,
    variables: { period: 'day' },
    expected: { data: { article: { dailyAverage: 40, stats: { views: 70 } } } },
    subgraphRequests: { blog: 1, insights: 1 },
    knownBugs: {
      apollo:
        'The query planner keeps the required views(period: "week") and drops the client\'s ' +
        '$period: the client gets 280 weekly views for 70 daily ones. apollographql/federation#2276.',
    },
  },
  {
    // preview requires cover { ... on Image { url(size: 640) } }: a type condition on the way.
    name: "a requirement in a type condition next to the client's same field with its default",
    query: '{ article(id: "a1") { cover { ... on Image { url } } preview } }',
    expected: {
      data: { article: { cover: { url: '/img/img1-100.jpg' }, preview: 'preview /img/img1-640.jpg' } },
    },
    subgraphRequests: { blog: 1, insights: 1 },
    knownBugs: {
      apollo:
        "The query planner merges the required url(size: 640) into the client's url (100 pixels): " +
        'insights receives the small image, preview is null with an error. apollographql/federation#2276.',
    },
  },
  {
    name: 'a requirement in a type condition over a list of images, videos and no cover',
    query: /* GraphQL */ `
      {
        articles {
          id
          preview
          cover {
            __typename
            ... on Image {
              thumb: url(size: 64)
            }
            ... on Video {
              seconds
            }
          }
        }
      }
    `,
    expected: {
      data: {
        articles: [
          {
            id: 'a1',
            preview: 'preview /img/img1-640.jpg',
            cover: { __typename: 'Image', thumb: '/img/img1-64.jpg' },
          },
          { id: 'a2', preview: null, cover: { __typename: 'Video', seconds: 95 } },
          { id: 'a3', preview: null, cover: null },
          {
            id: 'a4',
            preview: 'preview /img/img4-640.jpg',
            cover: { __typename: 'Image', thumb: '/img/img4-64.jpg' },
          },
        ],
      },
    },
    subgraphRequests: { blog: 1, insights: 1 },
  },
];

import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

interface Post {
  id: string;
  text: string;
}
interface Event {
  id: string;
  name: string;
  capacity: number;
  attendees: string[];
  relatedIds: string[];
}
interface Ad {
  id: string;
  sponsor: string;
  headline: string;
}

/** Owned by posts. p3 is only used by the mutation case, which sets its text (idempotently). */
const posts: Post[] = [
  { id: 'p1', text: 'Federation makes graphs compose' },
  { id: 'p2', text: 'Hello world' },
  { id: 'p3', text: 'Draft' },
];
/** Owned by events. */
const events: Event[] = [
  {
    id: 'e1',
    name: 'GraphQL Summit',
    capacity: 3,
    attendees: ['ann', 'bob', 'cy'],
    relatedIds: ['p1', 'e2'],
  },
  { id: 'e2', name: 'Federation meetup', capacity: 50, attendees: ['dee'], relatedIds: [] },
];
/** Owned by feed. */
const ads: Ad[] = [{ id: 'a1', sponsor: 'Acme', headline: 'Buy anvils' }];
/** The feed, in order; null is an entry the feed could not render. */
const feedIds = ['p1', 'e1', null, 'a1', 'p2', 'e2'];

const findPost = (id: string) => posts.find((post) => post.id === id) ?? null;
const findEvent = (id: string) => events.find((event) => event.id === id) ?? null;
/** A union value by id, as a subgraph that knows every member only by its key returns it. */
const memberStub = (id: string | null) => {
  if (id === null) return null;
  const ad = ads.find((candidate) => candidate.id === id);
  if (ad) return { __typename: 'Ad', ...ad };
  if (findPost(id)) return { __typename: 'Post', id };
  if (findEvent(id)) return { __typename: 'Event', id };
  return null;
};

/** Checks a reference the gateway sent and returns it; throws if a required field is missing. */
function checked<T extends Record<string, unknown>>(
  representation: T,
  typename: string,
  requiredFields: string[] = [],
): T & { id: string } {
  if (representation.__typename !== typename || typeof representation.id !== 'string') {
    throw new Error(`Bad ${typename} representation: ${JSON.stringify(representation)}`);
  }
  for (const field of requiredFields) {
    if (!(field in representation) || representation[field] === null || representation[field] === undefined) {
      throw new Error(`The gateway did not send the required field "${typename}.${field}"`);
    }
  }
  return representation as T & { id: string };
}

/** posts: owns Post. wordCount moved to stats with @override; its stale resolver here answers -1. */
export const postsSubgraph: SubgraphDefinition = {
  name: 'posts',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      post(id: ID!): Post
      "Declared here with Post as its only member."
      pinned: [FeedItem!]!
    }
    type Mutation {
      setPostText(id: ID!, text: String!): Post
    }
    union FeedItem = Post
    type Post @key(fields: "id") {
      id: ID!
      text: String!
      wordCount: Int!
    }
  `),
  resolvers: {
    Query: {
      post: (_: unknown, { id }: { id: string }) => findPost(id),
      pinned: () => [findPost('p2'), findPost('p1')],
    },
    Mutation: {
      setPostText: (_: unknown, { id, text }: { id: string; text: string }) => {
        const post = findPost(id);
        if (post) post.text = text;
        return post;
      },
    },
    FeedItem: { __resolveType: () => 'Post' },
    Post: {
      __resolveReference: (representation: { id: string }) => findPost(checked(representation, 'Post').id),
      wordCount: () => -1,
    },
  },
};

/** events: owns Event. isFull moved to stats with @override; its stale resolver here answers null. */
export const eventsSubgraph: SubgraphDefinition = {
  name: 'events',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      event(id: ID!): Event
    }
    union FeedItem = Event | Post
    type Event @key(fields: "id") {
      id: ID!
      name: String!
      capacity: Int!
      attendees: [String!]!
      isFull: Boolean
      related: [FeedItem!]!
    }
    type Post @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `),
  resolvers: {
    Query: { event: (_: unknown, { id }: { id: string }) => findEvent(id) },
    FeedItem: { __resolveType: (item: { __typename: string }) => item.__typename },
    Event: {
      __resolveReference: (representation: { id: string }) => findEvent(checked(representation, 'Event').id),
      isFull: () => null,
      // Events are its own (every field); posts are only known by key.
      related: (event: Event) =>
        event.relatedIds.map((id) => {
          const related = findEvent(id);
          return related ? { __typename: 'Event', ...related } : memberStub(id);
        }),
    },
  },
};

/** feed: owns Ad and the FeedItem union of members owned by three subgraphs; Post.readingTime needs wordCount. */
export const feedSubgraph: SubgraphDefinition = {
  name: 'feed',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires"])
    type Query {
      feed: [FeedItem]!
      feedItem(id: ID!): FeedItem
    }
    union FeedItem = Post | Event | Ad
    type Ad {
      id: ID!
      sponsor: String!
      headline: String!
    }
    type Post @key(fields: "id") {
      id: ID!
      wordCount: Int! @external
      "15 seconds a word: computed from wordCount, which stats now owns."
      readingTime: String! @requires(fields: "wordCount")
    }
    type Event @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      feed: () => feedIds.map(memberStub),
      feedItem: (_: unknown, { id }: { id: string }) => memberStub(id),
    },
    FeedItem: { __resolveType: (item: { __typename: string }) => item.__typename },
    Post: {
      __resolveReference: (representation: { id: string; wordCount?: number }) =>
        checked(representation, 'Post', ['wordCount']),
      readingTime: ({ wordCount }: { wordCount: number }) => `${wordCount * 15} seconds`,
    },
  },
};

/** stats: took wordCount (from posts) and isFull (from events) over, computed from required fields. */
export const statsSubgraph: SubgraphDefinition = {
  name: 'stats',
  typeDefs: parse(/* GraphQL */ `
    extend schema
      @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires", "@override"])
    type Post @key(fields: "id") {
      id: ID!
      text: String! @external
      wordCount: Int! @override(from: "posts") @requires(fields: "text")
    }
    type Event @key(fields: "id") {
      id: ID!
      capacity: Int! @external
      attendees: [String!]! @external
      isFull: Boolean @override(from: "events") @requires(fields: "capacity attendees")
    }
  `),
  resolvers: {
    Post: {
      __resolveReference: (representation: { id: string; text?: string }) =>
        checked(representation, 'Post', ['text']),
      wordCount: ({ text }: { text: string }) => text.split(/\s+/).filter(Boolean).length,
    },
    Event: {
      __resolveReference: (representation: { id: string; capacity?: number; attendees?: string[] }) =>
        checked(representation, 'Event', ['capacity', 'attendees']),
      isFull: ({ capacity, attendees }: { capacity: number; attendees: string[] }) =>
        attendees.length >= capacity,
    },
  },
};

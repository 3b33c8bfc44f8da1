import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

/**
 * A small forum. Each subgraph owns one entity and declares its own `Node` interface: only the
 * posts subgraph puts `related` on it, so a `related` selected on `Node` from the users or the
 * comments subgraph has to be answered by type, in another subgraph. `related` links every
 * entity to entities of the others, which lets an operation go round in circles.
 */
interface User {
  id: string;
  name: string;
  handle: string;
  profile: { bio: string; location: string | null } | null;
}
interface Post {
  id: string;
  title: string;
  /** null: posted anonymously. */
  authorId: string | null;
  seeAlso: string[];
}
interface Comment {
  id: string;
  text: string;
  postId: string;
  /** null: the account was deleted. */
  authorId: string | null;
}
interface Ref {
  __typename: 'User' | 'Post' | 'Comment';
  id: string;
}

const users: User[] = [
  { id: 'u1', name: 'Ada', handle: '@ada', profile: { bio: 'Writes about graphs', location: 'London' } },
  { id: 'u2', name: 'Grace', handle: '@grace', profile: { bio: 'Compilers', location: null } },
  { id: 'u3', name: 'Linus', handle: '@linus', profile: null },
];
const posts: Post[] = [
  { id: 'p1', title: 'Federation basics', authorId: 'u1', seeAlso: ['p2'] },
  { id: 'p2', title: 'Query plans', authorId: 'u1', seeAlso: ['p1', 'p3'] },
  { id: 'p3', title: 'Anonymous tips', authorId: null, seeAlso: [] },
  { id: 'p4', title: 'Gateways', authorId: 'u2', seeAlso: ['p1'] },
];
const comments: Comment[] = [
  { id: 'c1', text: 'Nice intro', postId: 'p1', authorId: 'u2' },
  { id: 'c2', text: 'First!', postId: 'p1', authorId: null },
  { id: 'c3', text: 'What about @defer?', postId: 'p2', authorId: 'u3' },
  { id: 'c4', text: 'Agreed', postId: 'p4', authorId: 'u1' },
  // The author answering under her own post: a way back to where a cycle started.
  { id: 'c5', text: 'Thanks!', postId: 'p1', authorId: 'u1' },
];
/** What the posts subgraph ranks on its timeline: posts it owns and comments it knows by id. */
const timeline: Ref[] = [
  { __typename: 'Post', id: 'p2' },
  { __typename: 'Comment', id: 'c3' },
  { __typename: 'Post', id: 'p4' },
  { __typename: 'Comment', id: 'c1' },
];

const byId =
  <T extends { id: string }>(items: T[]) =>
  ({ id }: { id: string }): T | null =>
    items.find((item) => item.id === id) ?? null;
const findUser = byId(users);
const findPost = byId(posts);
const findComment = byId(comments);
const userRef = (id: string | null): Ref | null => (id === null ? null : { __typename: 'User', id });
const postRef = (id: string): Ref => ({ __typename: 'Post', id });
/** The posts subgraph resolves Post fields from the whole post, so it hands out whole posts. */
const fullPost = (id: string) => ({ __typename: 'Post' as const, ...findPost({ id }) });
const typeOf = (value: { __typename?: string }) => value.__typename;

/** users: owns User (and its Profile value type); answers `node` for every entity by id. */
export const usersSubgraph: SubgraphDefinition = {
  name: 'users',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      user(id: ID!): User
      users: [User!]!
      node(id: ID!): Node
      nodes(ids: [ID!]!): [Node]!
    }
    interface Node {
      id: ID!
    }
    type User implements Node @key(fields: "id") {
      id: ID!
      name: String!
      handle: String!
      profile: Profile
    }
    type Profile {
      bio: String!
      location: String
    }
    type Post implements Node @key(fields: "id", resolvable: false) {
      id: ID!
    }
    type Comment implements Node @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      user: (_: unknown, args: { id: string }) => findUser(args),
      users: () => users,
      node: (_: unknown, { id }: { id: string }) => findNode(id),
      nodes: (_: unknown, { ids }: { ids: string[] }) => ids.map(findNode),
    },
    Node: { __resolveType: typeOf },
    User: { __resolveReference: findUser },
  },
};

function findNode(id: string): (Ref & Partial<User>) | null {
  const user = findUser({ id });
  if (user) return { __typename: 'User', ...user };
  if (findPost({ id })) return postRef(id);
  if (findComment({ id })) return { __typename: 'Comment', id };
  return null;
}

/** posts: owns Post and `related` on Node; adds User.posts; a timeline union and a mutation. */
export const postsSubgraph: SubgraphDefinition = {
  name: 'posts',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      post(id: ID!): Post
      posts: [Post!]!
      timeline: [TimelineEntry!]!
    }
    type Mutation {
      "Files a report on a post; nothing is stored, so it answers the same every time."
      flagPost(id: ID!, reason: String!): Flag!
    }
    interface Node {
      id: ID!
      "The author first, then the posts it links to (null for an anonymous author)."
      related: [Node]!
    }
    type Post implements Node @key(fields: "id") {
      id: ID!
      title: String!
      author: User
      related: [Node]!
    }
    type User implements Node @key(fields: "id") {
      id: ID!
      posts: [Post!]!
      related: [Node]!
    }
    type Comment @key(fields: "id", resolvable: false) {
      id: ID!
    }
    union TimelineEntry = Post | Comment
    type Flag {
      reason: String!
      post: Post
    }
  `),
  resolvers: {
    Query: {
      post: (_: unknown, args: { id: string }) => findPost(args),
      posts: () => posts,
      timeline: () => timeline.map((entry) => (entry.__typename === 'Post' ? fullPost(entry.id) : entry)),
    },
    Mutation: {
      flagPost: (_: unknown, { id, reason }: { id: string; reason: string }) => ({
        reason,
        post: findPost({ id }),
      }),
    },
    Node: { __resolveType: typeOf },
    TimelineEntry: { __resolveType: typeOf },
    Post: {
      __resolveReference: findPost,
      author: (post: Post) => userRef(post.authorId),
      related: (post: Post) => [userRef(post.authorId), ...post.seeAlso.map(fullPost)],
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      posts: ({ id }: { id: string }) => posts.filter((post) => post.authorId === id),
      related: ({ id }: { id: string }) =>
        posts.filter((post) => post.authorId === id).map((post) => fullPost(post.id)),
    },
  },
};

/** comments: owns Comment; adds comments to Post and User; Comment.related = [post, author]. */
export const commentsSubgraph: SubgraphDefinition = {
  name: 'comments',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      comment(id: ID!): Comment
    }
    interface Node {
      id: ID!
    }
    type Comment implements Node @key(fields: "id") {
      id: ID!
      text: String!
      post: Post!
      author: User
      "The post, then the author (null when the account was deleted)."
      related: [Node]!
    }
    type Post implements Node @key(fields: "id") {
      id: ID!
      comments: [Comment!]!
    }
    type User implements Node @key(fields: "id") {
      id: ID!
      comments: [Comment!]!
    }
  `),
  resolvers: {
    Query: { comment: (_: unknown, args: { id: string }) => findComment(args) },
    Node: { __resolveType: typeOf },
    Comment: {
      __resolveReference: findComment,
      post: (comment: Comment) => postRef(comment.postId),
      author: (comment: Comment) => userRef(comment.authorId),
      related: (comment: Comment) => [postRef(comment.postId), userRef(comment.authorId)],
    },
    Post: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      comments: ({ id }: { id: string }) => comments.filter((comment) => comment.postId === id),
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      comments: ({ id }: { id: string }) => comments.filter((comment) => comment.authorId === id),
    },
  },
};

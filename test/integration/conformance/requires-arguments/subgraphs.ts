import { parse } from 'graphql';
import type { SubgraphDefinition } from '../types.js';

const FEDERATION = 'https://specs.apollo.dev/federation/v2.6';

interface Comment {
  id: string;
  body: string;
}
interface Article {
  id: string;
  title: string;
  /** In US cents. */
  priceUsd: number;
  /** Newest first; null when comments are switched off. */
  comments: Comment[] | null;
  /** Page views over the last day and the last week. */
  views: { day: number; week: number };
  cover: Cover | null;
}
type Cover = { __typename: 'Image'; id: string } | { __typename: 'Video'; id: string; seconds: number };
const image = (id: string): Cover => ({ __typename: 'Image', id });

const comment = (id: string, body: string): Comment => ({ id, body });

/**
 * a1 has more comments than any required limit, a2 exactly two, a3 none, a4 has comments switched
 * off; a5 belongs to the mutation case alone (pinning reorders its comments).
 */
const articles: Article[] = [
  {
    id: 'a1',
    title: 'Federation in practice',
    priceUsd: 1000,
    views: { day: 40, week: 350 },
    cover: image('img1'),
    comments: [
      comment('c11', 'Great read'),
      comment('c12', 'Typo in section 2'),
      comment('c13', 'What about subscriptions?'),
      comment('c14', 'Shared it with my team'),
      comment('c15', 'More diagrams please'),
    ],
  },
  {
    id: 'a2',
    title: 'Query planning',
    priceUsd: 2000,
    views: { day: 70, week: 280 },
    cover: { __typename: 'Video', id: 'vid2', seconds: 95 },
    comments: [comment('c21', 'Finally explained'), comment('c22', 'Needs an example')],
  },
  {
    id: 'a3',
    title: 'Empty thoughts',
    priceUsd: 500,
    views: { day: 0, week: 0 },
    cover: null,
    comments: [],
  },
  {
    id: 'a4',
    title: 'Announcements',
    priceUsd: 0,
    views: { day: 5, week: 7 },
    cover: image('img4'),
    comments: null,
  },
  {
    id: 'a5',
    title: 'Release notes',
    priceUsd: 300,
    views: { day: 1, week: 2 },
    cover: null,
    comments: [comment('c51', 'First'), comment('c52', 'Thanks'), comment('c53', 'Pinned answer')],
  },
];

const findArticle = (id: string) => articles.find((article) => article.id === id) ?? null;

/** The first `limit` comments: what `comments(limit:)` answers, in both subgraphs' eyes. */
const firstComments = (article: Article, limit: number) => article.comments?.slice(0, limit) ?? null;

/** Euro cents, as `price(currency: "EUR")` answers. */
const priceIn = (article: Article, currency: string) => {
  if (currency === 'USD') return article.priceUsd;
  if (currency === 'EUR') return Math.round(article.priceUsd * 0.9);
  throw new Error(`Unknown currency ${currency}`);
};

/** An image's address at a width, as `url(size:)` answers. */
const imageUrl = (id: string, size: number) => `/img/${id}-${size}.jpg`;

const viewsIn = (article: Article, period: string) => {
  if (period === 'day' || period === 'week') return article.views[period];
  throw new Error(`Unknown period ${period}`);
};

/** blog: owns articles, their comments (with a limit argument) and their price (with a currency). */
export const blog: SubgraphDefinition = {
  name: 'blog',
  typeDefs: parse(/* GraphQL */ `
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Query {
      article(id: ID!): Article
      articles: [Article!]!
    }
    type Mutation {
      "Moves a comment to the front of its article's comments; pinning twice changes nothing."
      pinComment(articleId: ID!, commentId: ID!): Article
    }
    type Article @key(fields: "id") {
      id: ID!
      title: String!
      "The newest comments first, at most limit of them; null when comments are switched off."
      comments(limit: Int! = 10): [Comment!]
      "In cents of the currency."
      price(currency: String! = "USD"): Int!
      stats: Stats!
      cover: Media
    }
    type Comment @shareable {
      id: ID!
      body: String!
    }
    type Stats @shareable {
      "Page views over the last day or week."
      views(period: String! = "day"): Int!
    }
    interface Media {
      id: ID!
    }
    type Image implements Media @shareable {
      id: ID!
      "The image's address at a width, in pixels."
      url(size: Int! = 100): String!
    }
    type Video implements Media @shareable {
      id: ID!
      seconds: Int!
    }
  `),
  resolvers: {
    Query: {
      article: (_: unknown, { id }: { id: string }) => findArticle(id),
      articles: () => articles.slice(0, 4),
    },
    Mutation: {
      pinComment: (_: unknown, { articleId, commentId }: { articleId: string; commentId: string }) => {
        const article = findArticle(articleId);
        const pinned = article?.comments?.find((item) => item.id === commentId);
        if (!article?.comments || !pinned) return null;
        article.comments = [pinned, ...article.comments.filter((item) => item !== pinned)];
        return article;
      },
    },
    Article: {
      __resolveReference: ({ id }: { id: string }) => findArticle(id),
      comments: (article: Article, { limit }: { limit: number }) => firstComments(article, limit),
      price: (article: Article, { currency }: { currency: string }) => priceIn(article, currency),
      stats: (article: Article) => article,
      cover: (article: Article) => article.cover,
    },
    Stats: {
      views: (article: Article, { period }: { period: string }) => viewsIn(article, period),
    },
    Media: {
      __resolveType: (cover: Cover) => cover.__typename,
    },
    Image: {
      url: ({ id }: { id: string }, { size }: { size: number }) => imageUrl(id, size),
    },
  },
};

interface InsightsReference {
  id: string;
  comments?: Partial<Comment>[] | null;
  price?: number;
  stats?: { views?: number };
  cover?: { url?: string } | null;
}

/**
 * The representation's `comments` must be exactly the first `limit` comments, each with the
 * `fields` required (more subfields do no harm): a gateway that sends the client's comments, with
 * other arguments, in place of the required ones fails loudly here instead of answering plausibly.
 */
function requiredComments(
  reference: InsightsReference,
  limit: number,
  fields: (keyof Comment)[],
): Partial<Comment>[] | null {
  if (!('comments' in reference)) throw new Error('The gateway did not send the required comments');
  const article = findArticle(reference.id);
  if (!article) throw new Error(`No article ${reference.id}`);
  const project = (items: Partial<Comment>[] | null | undefined) =>
    items?.map((item) => fields.map((field) => item[field])) ?? null;
  const wanted = JSON.stringify(project(firstComments(article, limit)));
  const received = JSON.stringify(project(reference.comments));
  if (received !== wanted) {
    throw new Error(
      `Expected comments(limit: ${limit}) { ${fields.join(' ')} } = ${wanted}, received ${received}`,
    );
  }
  return reference.comments ?? null;
}

function requiredEuroPrice(reference: InsightsReference): number {
  if (!('price' in reference)) throw new Error('The gateway did not send the required price');
  const article = findArticle(reference.id);
  if (!article) throw new Error(`No article ${reference.id}`);
  const eur = priceIn(article, 'EUR');
  if (reference.price !== eur) {
    throw new Error(`Expected price(currency: "EUR") = ${eur}, received ${String(reference.price)}`);
  }
  return eur;
}

/** A preview names the cover image at 640 pixels; anything else the gateway sent is an error. */
function preview(reference: InsightsReference): string | null {
  if (!('cover' in reference)) throw new Error('The gateway did not send the required cover');
  const cover = findArticle(reference.id)?.cover ?? null;
  if (cover === null || cover.__typename !== 'Image') return null;
  const wanted = imageUrl(cover.id, 640);
  const url = reference.cover?.url;
  if (url !== wanted)
    throw new Error(
      `Expected cover { ... on Image { url(size: 640) } } = ${wanted}, received ${String(url)}`,
    );
  return `preview ${url}`;
}

function requiredWeeklyViews(reference: InsightsReference): number {
  const views = reference.stats?.views;
  const article = findArticle(reference.id);
  if (!article) throw new Error(`No article ${reference.id}`);
  if (views !== article.views.week) {
    throw new Error(
      `Expected stats { views(period: "week") } = ${article.views.week}, received ${String(views)}`,
    );
  }
  return views;
}

/** insights: derives its fields from comments and prices it @requires with arguments. */
export const insights: SubgraphDefinition = {
  name: 'insights',
  typeDefs: parse(/* GraphQL */ `
    extend schema
      @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires", "@shareable"])
    type Article @key(fields: "id") {
      id: ID!
      comments(limit: Int! = 10): [Comment!] @external
      price(currency: String! = "USD"): Int! @external
      "The newest comment's body, or null without comments."
      summary: String @requires(fields: "comments(limit: 1) { body }")
      "The ids of the three newest comments."
      digest: String @requires(fields: "comments(limit: 3) { id }")
      "How many of the ten newest comments there are; the required limit is the argument's default."
      recentCount: Int @requires(fields: "comments(limit: 10) { id }")
      "The euro price, formatted."
      priceTag: String! @requires(fields: "price(currency: \\"EUR\\")")
      stats: Stats! @external
      "Average daily views over the week; the requirement is nested below a field without arguments."
      dailyAverage: Int! @requires(fields: "stats { views(period: \\"week\\") }")
      cover: Media @external
      "The cover image at 640 pixels; null without an image. The requirement sits in a type condition."
      preview: String @requires(fields: "cover { ... on Image { url(size: 640) } }")
    }
    type Stats @shareable {
      views(period: String! = "day"): Int!
    }
    interface Media {
      id: ID!
    }
    type Image implements Media @shareable {
      id: ID!
      url(size: Int! = 100): String!
    }
    type Video implements Media @shareable {
      id: ID!
      seconds: Int!
    }
    type Comment @shareable {
      id: ID!
      body: String!
    }
  `),
  resolvers: {
    Article: {
      __resolveReference: (reference: InsightsReference) => reference,
      summary: (reference: InsightsReference) => requiredComments(reference, 1, ['body'])?.[0]?.body ?? null,
      digest: (reference: InsightsReference) => {
        const comments = requiredComments(reference, 3, ['id']);
        if (comments === null) return null;
        if (comments.length === 0) return 'no comments';
        return `${comments.length} of 3: ${comments.map((item) => item.id).join(',')}`;
      },
      recentCount: (reference: InsightsReference) => requiredComments(reference, 10, ['id'])?.length ?? null,
      priceTag: (reference: InsightsReference) => `EUR ${(requiredEuroPrice(reference) / 100).toFixed(2)}`,
      dailyAverage: (reference: InsightsReference) => Math.round(requiredWeeklyViews(reference) / 7),
      preview,
    },
  },
};

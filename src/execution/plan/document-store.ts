import type { DocumentStore } from '@apollo/server';
import type { DocumentNode, Token } from 'graphql';
import { LruCache, type LruCacheLimits } from '../lru-cache.js';

/*
 * A parsed document keeps its nodes and, through their locations, every token of its text, linked to
 * each other. Measured with `node --expose-gc` (heapUsed after a full GC, before and after parsing
 * distinct operations of 8,000 fields: plain, aliased, with arguments, nested, with long strings):
 * 200 to 450 bytes per token, and 8 to 110 per character of text. The estimate below is above every
 * one of those by up to 2.5×. Apollo Server's default store weighs a document by the length of its
 * JSON, which leaves the tokens out: it holds about 4 times what it counts (30 MiB).
 */
const BYTES_PER_TOKEN = 450;
const BYTES_PER_CHAR = 2;

/**
 * The bounds of the gateway's document store: 32 MiB, about 750 documents the size of the
 * benchmark's query (95 tokens, 31 KB of heap, 45 KB estimated), and 4 MiB for one document, about
 * an operation of 3,000 aliased fields.
 */
export const DOCUMENT_STORE_LIMITS: LruCacheLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxEntryBytes: 4 * 1024 * 1024,
};

/** The estimated heap of a parsed document. */
export function documentBytes(document: DocumentNode): number {
  const loc = document.loc;
  // Parsed without locations: nodes only, about 4 bytes of heap per character of their JSON.
  if (!loc) return 4 * JSON.stringify(document).length;
  let tokens = 0;
  for (let token: Token | null = loc.startToken; token !== null; token = token.next) tokens++;
  return BYTES_PER_TOKEN * tokens + BYTES_PER_CHAR * loc.source.body.length;
}

/**
 * Apollo Server's store of parsed and validated documents, by query hash, bounded by their estimated
 * bytes; a document above the limit for one is parsed and validated for every request instead.
 */
export function boundedDocumentStore(limits: LruCacheLimits): DocumentStore {
  const documents = new LruCache<string, DocumentNode>(limits);
  return {
    get: async (key) => documents.get(key),
    set: async (key, document) => {
      documents.set(key, document, key.length + documentBytes(document));
    },
    delete: async (key) => documents.delete(key),
  };
}

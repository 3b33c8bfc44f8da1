import { Lexer, Source, TokenKind } from 'graphql';

// Interned names, kept alive here: V8 drops unreferenced strings from its string table.
const interned: Record<string, true> = Object.create(null) as Record<string, true>;

/**
 * Interns a one-byte copy of every name in a supergraph (types, fields, enum values), before anything
 * else in the process parses it.
 *
 * Why: V8 interns each property key once per process, and every later key or short JSON string with
 * the same text reuses that first copy, whatever its encoding. `@apollo/federation-internals`
 * validates a schema by printing it and parsing the print, and that print is a two-byte string even
 * when it is pure ASCII; so once the gateway has loaded a supergraph, names such as `users` are
 * interned as two-byte strings. The keys of every parsed subgraph response then are two-byte, and so
 * is the whole serialised client response the first time one appears in it, which makes
 * serialising, measuring and writing a response of tens of kilobytes several times dearer. Names
 * interned here first, as one-byte strings, are the ones every later lookup finds.
 *
 * Names that first appear in a later supergraph update are not covered when Apollo's build sees them
 * first; that costs speed, never correctness.
 */
export function internSupergraphNames(sdl: string): void {
  let lexer: Lexer;
  try {
    lexer = new Lexer(new Source(sdl));
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (token.kind !== TokenKind.NAME) continue;
      // A latin1 round trip makes a one-byte copy even of a slice of a two-byte text (names are
      // ASCII); looking the slice itself up would intern it as it is.
      interned[Buffer.from(token.value, 'latin1').toString('latin1')] = true;
    }
  } catch {
    // Not valid GraphQL: whoever loads it reports that; names already interned stay.
  }
}

import { Lexer, Source, TokenKind } from 'graphql';

/**
 * The GraphQL tokens in `text` (punctuators, names, values; comments excluded, as graphql-js's
 * `maxTokens` counts them), counting no further than `stopAt`: a token bomb costs the lexing of
 * `stopAt` tokens, not of the whole text. Text the lexer cannot read counts up to where it stops;
 * the parser refuses it with its own syntax error.
 */
export function countTokens(text: string, stopAt: number): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (count < stopAt && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A syntax error: what was read so far is the count.
  }
  return count;
}

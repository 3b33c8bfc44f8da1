import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { Lexer, Source, TokenKind } from 'graphql';
import type { GatehouseConfig } from '../config/load.js';

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

/**
 * Readies this process to serve a gateway: Apollo's usage reporting off, the old generation's
 * growth limited, and the supergraph's names interned (when the supergraph is known before it is
 * loaded). Only the code that owns the process calls it: the `serve` and `dev` commands and a
 * cluster worker.
 */
export function tuneProcess(supergraphSdl?: string): void {
  // The gateway otherwise reports usage metrics to Apollo's servers.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  limitHeapGrowth();
  if (supergraphSdl !== undefined) internSupergraphNames(supergraphSdl);
}

/** {@link tuneProcess} for a config: its supergraph file is interned when it can be read. */
export async function tuneProcessFor(config: GatehouseConfig): Promise<void> {
  let sdl: string | undefined;
  if (config.supergraph?.kind === 'file') {
    try {
      sdl = await readFile(config.supergraph.path, 'utf8');
    } catch {
      // Loading the supergraph reports an unreadable file.
    }
  }
  tuneProcess(sdl);
}

/**
 * Lets V8 grow the old generation to at most twice its live size between full collections, instead of
 * up to four times on a machine with gigabytes of memory. This is the one heap setting that still
 * takes effect in a running process. A gateway allocates several hundred kilobytes per request, most
 * of it short-lived but outliving a young-generation collection or two while the request waits on
 * subgraphs; with the default growth the old generation held about 55 MiB of live data in 230 MiB
 * under the benchmark's load (peak RSS 350 MiB, 245 MiB with this). Processes that `serve` starts get
 * `--max-old-space-size` instead (heap-flags.ts), which has the same effect; heap flags an operator
 * set are left alone.
 */
function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const tuned = given.some((arg) =>
    /^--(max[-_]old[-_]space[-_]size|heap[-_]growing[-_]percent)\b/.test(arg),
  );
  if (!tuned) setFlagsFromString('--heap-growing-percent=100');
}

/**
 * The registry's safelist: operations pushed for a stage (`gatehouse safelist push`), which gateways
 * with `security.trustedDocuments.registry` trust. An id names one operation text for good (it is a
 * hash of the text), so a stage's safelist only grows: an id is added once and never changes.
 */

/**
 * What a push announces to other processes (PostgreSQL NOTIFY, on the registry's channel) in place
 * of a stage name: stage names start with a letter, so `safelist:prod` is never a stage's.
 */
export const SAFELIST_CHANGE_PREFIX = 'safelist:';

/** One trusted operation of a stage, as stored. */
export interface SafelistDocument {
  /** What clients send as `documentId` or `extensions.persistedQuery.sha256Hash`. */
  id: string;
  /** The operation text. */
  body: string;
  /** The client it was pushed for (`--client`, `--version`); null when not given. */
  clientName: string | null;
  clientVersion: string | null;
  /** Name of the admin token that pushed it. */
  pushedBy: string;
  createdAt: Date;
}

/** One push: documents for a stage, all for the same client. */
export interface SafelistPush {
  stage: string;
  documents: readonly { id: string; body: string }[];
  clientName: string | null;
  clientVersion: string | null;
  pushedBy: string;
  createdAt: Date;
}

export interface SafelistPushResult {
  /** Ids stored by this push. */
  added: string[];
  /** Ids the stage had already, with the same text. */
  existing: string[];
  /** The stage's safelist revision after the push. */
  revision: number;
}

/**
 * What one push and one stage may hold. A client controls every one of these through the API, so
 * each is bounded; the largest request is the API's body limit for a push.
 */
export const SAFELIST_LIMITS = {
  documentsPerPush: 10_000,
  documentsPerStage: 100_000,
  /** Characters of an id. */
  idLength: 256,
  /** Bytes (UTF-8) of one operation's text. */
  bodyBytes: 128 * 1024,
  /** Characters of a client name or version. */
  clientLength: 256,
  /** Bytes of one push request (the manifest, JSON-encoded). */
  pushBytes: 16 * 1024 * 1024,
} as const;

/** Ids the stage already has with a different text: the push is refused and stores nothing. */
export class SafelistConflict extends Error {
  constructor(
    readonly stage: string,
    readonly ids: readonly string[],
  ) {
    const shown = ids.slice(0, 5).map((id) => `"${id}"`);
    const more = ids.length > 5 ? ` and ${ids.length - 5} more` : '';
    super(
      `Stage "${stage}" already has ${shown.join(', ')}${more} with a different operation text. An id is a hash of the operation's text and names that text for good: give the changed operation its new id (regenerate the manifest) instead of reusing the old one.`,
    );
    this.name = 'SafelistConflict';
  }
}

/** The stage would hold more than {@link SAFELIST_LIMITS.documentsPerStage} documents. */
export class SafelistFull extends RangeError {
  constructor(stage: string, held: number, adding: number) {
    super(
      `Stage "${stage}" holds ${held} safelisted operations; adding ${adding} would pass the limit of ${SAFELIST_LIMITS.documentsPerStage} per stage.`,
    );
    this.name = 'SafelistFull';
  }
}

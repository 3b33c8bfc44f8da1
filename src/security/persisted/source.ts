/**
 * Trusted documents come from sources (manifest files, the registry's safelist); the trusted-documents
 * plugin holds the union of what they currently give.
 */
export interface TrustedDocument {
  /** What clients send as `documentId` or `extensions.persistedQuery.sha256Hash`. */
  readonly id: string;
  /** The operation text. */
  readonly body: string;
  /** The client it was pushed for (`gatehouse safelist push --client`), when known. */
  readonly clientName?: string | undefined;
  readonly clientVersion?: string | undefined;
}

export interface TrustedDocumentSource {
  /** Names the source in logs and errors (a file path, `registry stage prod`). */
  readonly name: string;
  /**
   * Loads the documents and resolves with them; afterwards calls `onChange` with the whole new set
   * each time it changes. A source that cannot load at start rejects with a message saying why.
   */
  start(onChange: (documents: readonly TrustedDocument[]) => void): Promise<readonly TrustedDocument[]>;
  close(): Promise<void> | void;
}

import { createHash } from 'node:crypto';
import type { TrustedDocument, TrustedDocumentSource } from './source.js';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The union of what every source trusts now: documents by id (for clients that send only the id)
 * and the SHA-256 of every document's text (for clients that send the text). The text is hashed as
 * sent, not normalised: clients send the text their build wrote into the manifest, and normalising
 * would mean parsing every request before deciding. A source that changes replaces its own part.
 */
export class TrustedSet {
  private readonly bySource: (readonly TrustedDocument[])[];
  private byId = new Map<string, TrustedDocument>();
  private hashes = new Set<string>();

  constructor(sourceCount: number) {
    this.bySource = Array.from({ length: sourceCount }, () => []);
  }

  replace(sourceIndex: number, documents: readonly TrustedDocument[]): void {
    this.bySource[sourceIndex] = documents;
    const byId = new Map<string, TrustedDocument>();
    const hashes = new Set<string>();
    // The first source listing an id wins (manifests in config order, then the registry).
    for (const list of this.bySource)
      for (const document of list) {
        if (!byId.has(document.id)) byId.set(document.id, document);
        hashes.add(sha256Hex(document.body));
      }
    // Swapped whole, so a request never sees half a reload.
    this.byId = byId;
    this.hashes = hashes;
  }

  byDocumentId(id: string): TrustedDocument | undefined {
    return this.byId.get(id);
  }

  trustsText(sha256: string): boolean {
    return this.hashes.has(sha256);
  }

  get size(): number {
    return this.byId.size;
  }
}

/**
 * Starts every source and keeps `set` up to date with them. Rejects, after closing what it started,
 * when one cannot load: the message names the source (a manifest's path) and what is wrong.
 */
export async function followSources(
  sources: readonly TrustedDocumentSource[],
  set: TrustedSet,
  onReload: (source: TrustedDocumentSource, documents: readonly TrustedDocument[]) => void,
): Promise<void> {
  const started: TrustedDocumentSource[] = [];
  try {
    for (const [index, source] of sources.entries()) {
      const documents = await source.start((next) => {
        set.replace(index, next);
        onReload(source, next);
      });
      started.push(source);
      set.replace(index, documents);
    }
  } catch (error) {
    for (const source of started) await source.close();
    throw error;
  }
}

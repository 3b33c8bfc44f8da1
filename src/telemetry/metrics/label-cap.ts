/** The label value of everything past the cap. */
export const OTHER = 'other';

/** The longest label value kept; a longer one (a client-chosen name, say) counts as {@link OTHER}. */
export const MAX_LABEL_CHARS = 128;

/**
 * Bounds the distinct values of one label that a client chooses (operation names, client names):
 * the first `max` values seen are kept as they are, and every later one, or one too long, is
 * {@link OTHER}. A kept value stays kept, so a series never moves into `other` once it exists.
 */
export class LabelCap {
  private readonly kept = new Set<string>();

  constructor(private readonly max: number) {}

  value(name: string): string {
    if (this.kept.has(name)) return name;
    if (this.kept.size >= this.max || name.length > MAX_LABEL_CHARS) return OTHER;
    this.kept.add(name);
    return name;
  }
}

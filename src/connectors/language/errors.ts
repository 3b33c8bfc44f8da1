/** A parse failure, located within the text that was parsed (1-based line and column, 0-based offset). */
export class SelectionSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = 'SelectionSyntaxError';
  }
}

/**
 * A non-fatal problem met while applying a selection or rendering a template, like Apollo's ApplyToError.
 * `path` is the input path where it happened: keys, array indexes and `->method` steps.
 */
export interface ApplyError {
  message: string;
  path: (string | number)[];
}

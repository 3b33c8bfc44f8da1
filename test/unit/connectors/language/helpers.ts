import {
  applySelection,
  parseSelection,
  type ApplyResult,
  type Variables,
} from '../../../../src/connectors/language/index.js';

/** Parses and applies a selection in one step. */
export function run(selection: string, data: unknown, variables: Variables = {}): ApplyResult {
  return applySelection(parseSelection(selection), data, variables);
}

/** The value only, asserting that no error was reported. */
export function value(selection: string, data: unknown, variables: Variables = {}): unknown {
  const result = run(selection, data, variables);
  if (result.errors.length > 0) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.value;
}

export function messages(result: ApplyResult): string[] {
  return result.errors.map((error) => error.message);
}

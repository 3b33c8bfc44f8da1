import type { LitExpr } from './ast.js';

/** What a mapping method (`->first`, `->map(…)`) is given: its input, its arguments, a way to report. */
export interface MethodCall {
  readonly name: string;
  /** The value the method is applied to; `undefined` when absent. */
  readonly input: unknown;
  readonly argCount: number;
  /** Whether `(...)` was written at all. */
  readonly hasArgs: boolean;
  /** Evaluates argument `n` with `@` bound to `at` (the input by default); absent when missing. */
  arg(n: number, at?: unknown): unknown;
  argExpr(n: number): LitExpr | undefined;
  /** Evaluates any expression (e.g. one element of an array argument) with `@` bound to `at`. */
  evaluate(expr: LitExpr, at?: unknown): unknown;
  error(message: string): void;
}

export type Method = (call: MethodCall) => unknown;

/** A location in the parsed text: 0-based offset, 1-based line and column (UTF-16 code units). */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface Key {
  readonly name: string;
  readonly pos: Position;
}

export interface SubSelection {
  readonly kind: 'sub';
  readonly items: readonly NamedSelection[];
  readonly pos: Position;
}

export type NamedSelection =
  /** `id`, `"weird key"`, `user { id }`: output key = input key. */
  | { readonly kind: 'field'; readonly key: Key; readonly sub: SubSelection | undefined }
  /** `name: title`, `city: $.address.city`, `n: "first name"`. */
  | { readonly kind: 'alias'; readonly alias: Key; readonly path: PathSelection }
  /** `names: { first last }`: groups fields of the current value under a new key. */
  | { readonly kind: 'group'; readonly alias: Key; readonly sub: SubSelection }
  /** `...$.x`, or an anonymous `a.b { c d }`: the object result is merged into the output. */
  | { readonly kind: 'spread'; readonly path: PathSelection; readonly explicit: boolean };

export type PathHead =
  /** `$` (name '$') or `$args`, `$this`... (name with the dollar). */
  | { readonly kind: 'var'; readonly name: string; readonly pos: Position }
  | { readonly kind: 'key'; readonly key: Key }
  | { readonly kind: 'at'; readonly pos: Position }
  /** `$( expr )` */
  | { readonly kind: 'expr'; readonly expr: LitExpr; readonly pos: Position }
  /** A literal followed by steps, only inside literal expressions: `"abc"->slice(0, 1)`. */
  | { readonly kind: 'lit'; readonly expr: LitExpr; readonly pos: Position };

export type PathStep =
  | { readonly kind: 'key'; readonly key: Key }
  | {
      readonly kind: 'method';
      readonly name: string;
      readonly args: readonly LitExpr[] | undefined;
      readonly pos: Position;
    }
  | { readonly kind: 'optional'; readonly pos: Position };

export interface PathSelection {
  readonly head: PathHead;
  readonly steps: readonly PathStep[];
  readonly sub: SubSelection | undefined;
  readonly pos: Position;
}

export type JsonPrimitive = string | number | boolean | null;

export type LitExpr =
  | { readonly kind: 'value'; readonly value: JsonPrimitive; readonly pos: Position }
  | {
      readonly kind: 'object';
      readonly props: readonly { readonly key: Key; readonly value: LitExpr }[];
      readonly pos: Position;
    }
  | { readonly kind: 'array'; readonly items: readonly LitExpr[]; readonly pos: Position }
  | { readonly kind: 'path'; readonly path: PathSelection; readonly pos: Position };

/** A parsed `selection:` / `body:` string. Opaque to callers. */
export interface Selection {
  readonly kind: 'selection';
  readonly body:
    | { readonly kind: 'named'; readonly items: readonly NamedSelection[] }
    | { readonly kind: 'path'; readonly path: PathSelection };
}

/** One expression, as found inside `{...}` of a template. Opaque to callers. */
export interface Expression {
  readonly kind: 'expression';
  readonly expr: LitExpr;
}

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string; readonly pos: Position }
  | { readonly kind: 'slot'; readonly expr: LitExpr; readonly pos: Position };

/** A parsed URL or header template. Opaque to callers. */
export interface Template {
  readonly kind: 'template';
  readonly parts: readonly TemplatePart[];
}

import type { GraphQLFormattedError } from 'graphql';
import { errorCatalogue } from '../../errors.js';

/** The list marker of removed paths: every item of the list at this point. */
export const LIST_MARKER = '@';

/** The message Apollo Router uses for a field it removed: "Unauthorized field or type". */
export const UNAUTHORIZED_MESSAGE = errorCatalogue.UNAUTHORIZED_FIELD_OR_TYPE.message;

/**
 * One step of a removed field's path, with what null propagation needs to know:
 * - `field`: the response key (alias or name) and whether the field's type is non-null;
 * - `list`: every item of a list, and whether the items are non-null;
 * - `type`: only objects that matched a type condition; the filter asked for `marker` (an aliased
 *   `__typename`) in exactly those objects, and the post-processor removes it again.
 */
export type PathSegment =
  | { readonly kind: 'field'; readonly key: string; readonly nonNull: boolean }
  | { readonly kind: 'list'; readonly nonNull: boolean }
  | { readonly kind: 'type'; readonly typeName: string; readonly marker: string };

export interface RemovedField {
  readonly path: readonly PathSegment[];
  /**
   * Removals beneath a field that was dropped because nothing was left in it. They matter only
   * when the same response key was also selected elsewhere and so is present in the response.
   */
  readonly beneath?: readonly RemovedField[];
}

export function prefixed(removed: RemovedField, prefix: readonly PathSegment[]): RemovedField {
  if (prefix.length === 0) return removed;
  const path = [...prefix, ...removed.path];
  return removed.beneath
    ? { path, beneath: removed.beneath.map((entry) => prefixed(entry, prefix)) }
    : { path };
}

/** The path in response-key terms, with `@` for list items and without type conditions. */
export function responsePath(removed: RemovedField): string[] {
  return removed.path.flatMap((segment) =>
    segment.kind === 'field' ? [segment.key] : segment.kind === 'list' ? [LIST_MARKER] : [],
  );
}

/** One error per removed path, shaped as Apollo Router shapes them. */
export function unauthorizedErrors(removed: readonly RemovedField[]): GraphQLFormattedError[] {
  const seen = new Set<string>();
  const errors: GraphQLFormattedError[] = [];
  for (const entry of removed) {
    const path = responsePath(entry);
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ message: UNAUTHORIZED_MESSAGE, path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
  }
  return errors;
}

type ResponseObject = Record<string, unknown>;

function isObject(value: unknown): value is ResponseObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Puts `null` at every removed path of a response's data, over every list item, and propagates
 * nulls past non-null positions to the nearest nullable parent as GraphQL execution does.
 * A value already present at a removed path (the key was selected again elsewhere) is kept.
 * Mutates `data`; returns it, or `null` when a non-null root field was removed.
 */
export function applyRemovals(
  data: ResponseObject | null | undefined,
  removed: readonly RemovedField[],
): ResponseObject | null | undefined {
  if (!isObject(data)) return data;
  const markers: [ResponseObject, string][] = [];
  let queue: readonly RemovedField[] = removed;
  let nulled = false;
  while (queue.length > 0 && !nulled) {
    const next: RemovedField[] = [];
    for (const entry of queue) {
      if (nullAt(data, entry.path, 0, markers)) {
        nulled = true;
        break;
      }
      if (entry.beneath) next.push(...entry.beneath);
    }
    queue = next;
  }
  for (const [object, marker] of markers) delete object[marker];
  return nulled ? null : data;
}

/** Walks `path` from `value`; returns true when `value` itself must become null. */
function nullAt(
  value: unknown,
  path: readonly PathSegment[],
  index: number,
  markers: [ResponseObject, string][],
): boolean {
  const segment = path[index];
  if (segment === undefined) return false;
  switch (segment.kind) {
    case 'type': {
      if (!isObject(value) || !(segment.marker in value)) return false;
      markers.push([value, segment.marker]);
      return nullAt(value, path, index + 1, markers);
    }
    case 'list': {
      if (!Array.isArray(value)) return false;
      let nullList = false;
      value.forEach((item, position) => {
        if (!nullAt(item, path, index + 1, markers)) return;
        if (segment.nonNull) nullList = true;
        else value[position] = null;
      });
      return nullList;
    }
    case 'field': {
      if (!isObject(value)) return false;
      const child = value[segment.key];
      const last = index === path.length - 1;
      if (last) {
        if (child !== undefined) return false;
      } else if (child === null || child === undefined || !nullAt(child, path, index + 1, markers)) {
        return false;
      }
      if (segment.nonNull) return true;
      value[segment.key] = null;
      return false;
    }
    default: {
      const unexpected: never = segment;
      throw new Error(`Unknown path segment ${JSON.stringify(unexpected)}`);
    }
  }
}

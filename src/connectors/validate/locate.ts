import { getLocation, type ASTNode, type StringValueNode } from 'graphql';

/** A file position, 1-based, as `file:line:column`. */
export function nodeLocation(node: ASTNode | undefined): string | undefined {
  if (!node?.loc) return undefined;
  const { line, column } = getLocation(node.loc.source, node.loc.start);
  return `${node.loc.source.name}:${line}:${column}`;
}

/**
 * Maps a position inside a string argument's value (1-based line and column, as the mapping
 * language reports them) back to the SDL file, undoing a block string's indentation.
 */
export function positionInString(node: StringValueNode, line: number, column: number): string | undefined {
  if (!node.loc) return undefined;
  const source = node.loc.source;
  const start = getLocation(source, node.loc.start);
  const file = source.name;
  if (!node.block) return `${file}:${start.line}:${start.column + column}`;
  const raw = source.body.slice(node.loc.start + 3, node.loc.end - 3);
  const rawLines = raw.split(/\r\n|\n|\r/);
  const indent = Math.min(
    ...rawLines
      .slice(1)
      .filter((text) => text.trim() !== '')
      .map((text) => text.length - text.trimStart().length),
  );
  let leadingBlank = 0;
  while (leadingBlank < rawLines.length && (rawLines[leadingBlank] ?? '').trim() === '') leadingBlank++;
  const rawIndex = leadingBlank + line - 1;
  if (rawIndex === 0) return `${file}:${start.line}:${start.column + 3 + column - 1}`;
  return `${file}:${start.line + rawIndex}:${(Number.isFinite(indent) ? indent : 0) + column}`;
}

import type {
  Expression,
  LitExpr,
  NamedSelection,
  PathSelection,
  Selection,
  SubSelection,
  Template,
} from './ast.js';

export interface VariableReference {
  /** e.g. '$args' */
  variable: string;
  /** The static field path after the variable, up to the first method or dynamic part, e.g. ['id']. */
  path: string[];
  line: number;
  column: number;
}

export type OutputShape =
  | { kind: 'object'; fields: ReadonlyMap<string, { shape: OutputShape; line: number; column: number }> }
  | { kind: 'any' };

/** Every `$name` variable used (not `$` or `@`), in source order, with its static path. */
export function variableReferences(node: Selection | Expression | Template): VariableReference[] {
  const refs: VariableReference[] = [];
  switch (node.kind) {
    case 'selection':
      if (node.body.kind === 'path') visitPath(node.body.path, refs);
      else node.body.items.forEach((item) => visitNamed(item, refs));
      break;
    case 'expression':
      visitLit(node.expr, refs);
      break;
    case 'template':
      for (const part of node.parts) if (part.kind === 'slot') visitLit(part.expr, refs);
      break;
    default:
      node satisfies never;
  }
  return refs.sort((a, b) => a.line - b.line || a.column - b.column);
}

function visitNamed(item: NamedSelection, refs: VariableReference[]): void {
  switch (item.kind) {
    case 'field':
      if (item.sub) visitSub(item.sub, refs);
      break;
    case 'alias':
    case 'spread':
      visitPath(item.path, refs);
      break;
    case 'group':
      visitSub(item.sub, refs);
      break;
    default:
      item satisfies never;
  }
}

function visitSub(sub: SubSelection, refs: VariableReference[]): void {
  for (const item of sub.items) visitNamed(item, refs);
}

function visitPath(path: PathSelection, refs: VariableReference[]): void {
  const { head } = path;
  if (head.kind === 'var' && head.name !== '$') {
    const keys: string[] = [];
    for (const step of path.steps) {
      if (step.kind === 'key') keys.push(step.key.name);
      else if (step.kind === 'method') break;
    }
    refs.push({ variable: head.name, path: keys, line: head.pos.line, column: head.pos.column });
  }
  if (head.kind === 'expr' || head.kind === 'lit') visitLit(head.expr, refs);
  for (const step of path.steps) if (step.kind === 'method') step.args?.forEach((arg) => visitLit(arg, refs));
  if (path.sub) visitSub(path.sub, refs);
}

function visitLit(expr: LitExpr, refs: VariableReference[]): void {
  switch (expr.kind) {
    case 'value':
      break;
    case 'object':
      for (const prop of expr.props) visitLit(prop.value, refs);
      break;
    case 'array':
      for (const item of expr.items) visitLit(item, refs);
      break;
    case 'path':
      visitPath(expr.path, refs);
      break;
    default:
      expr satisfies never;
  }
}

const ANY: OutputShape = { kind: 'any' };

/**
 * The output keys a selection produces, nested. Arrays are transparent (`items { id }` has the shape of
 * one element). A top-level anonymous path gives its sub-selection's shape, or `any` without one.
 */
export function selectionShape(selection: Selection): OutputShape {
  const { body } = selection;
  if (body.kind === 'path') return body.path.sub ? subShape(body.path.sub) : ANY;
  return itemsShape(body.items);
}

function subShape(sub: SubSelection): OutputShape {
  return itemsShape(sub.items);
}

function itemsShape(items: readonly NamedSelection[]): OutputShape {
  const fields = new Map<string, { shape: OutputShape; line: number; column: number }>();
  for (const item of items) {
    switch (item.kind) {
      case 'field':
        fields.set(item.key.name, {
          shape: item.sub ? subShape(item.sub) : ANY,
          ...lineColumn(item.key.pos),
        });
        break;
      case 'alias':
        fields.set(item.alias.name, {
          shape: item.path.sub ? subShape(item.path.sub) : ANY,
          ...lineColumn(item.alias.pos),
        });
        break;
      case 'group':
        fields.set(item.alias.name, { shape: subShape(item.sub), ...lineColumn(item.alias.pos) });
        break;
      case 'spread': {
        const merged = item.path.sub ? subShape(item.path.sub) : ANY;
        if (merged.kind === 'object') for (const [key, field] of merged.fields) fields.set(key, field);
        break;
      }
      default:
        item satisfies never;
    }
  }
  return { kind: 'object', fields };
}

function lineColumn(pos: { line: number; column: number }): { line: number; column: number } {
  return { line: pos.line, column: pos.column };
}

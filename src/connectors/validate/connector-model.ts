import type { ConstDirectiveNode, StringValueNode } from 'graphql';
import type { ConnectArgs } from '../directive-args.js';
import type { OutputShape, VariableReference } from '../language/index.js';
import type { TypeModel } from './schema-model.js';

/** Where a `@connect` is: on a root field, on another type's field, or on a type (an entity). */
export type Placement = 'root' | 'field' | 'type';

/** One `@connect` as the checks see it. */
export interface Connector {
  directive: ConstDirectiveNode;
  args: ConnectArgs;
  type: TypeModel;
  fieldName: string | undefined;
  placement: Placement;
  /** The type the selection maps onto; undefined for a scalar or enum. */
  target: TypeModel | undefined;
  targetName: string;
  /** Each variable a template or the selection reads, with the string it is in. */
  references: (VariableReference & { node: StringValueNode | undefined; inSelection: boolean })[];
  shape: OutputShape | undefined;
  selectionNode: StringValueNode | undefined;
}

/** Records a problem found by a check, with where it is. */
export type Report = (message: string, location: string | undefined) => void;

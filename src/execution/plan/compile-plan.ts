import type { Operation } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { Kind, parse, visit, type DocumentNode, type VariableDefinitionNode } from 'graphql';
import { compileRewrites, type CompiledRewrite } from './data-rewrites.js';
import { mergeableRootKeys } from './merge-operations.js';
import {
  compileRequires,
  flatRequires,
  type FlatRequires,
  type RequiresSelection,
} from './representations.js';
import { compileResponseShape, type ResponseShape } from '../shape/response-shape.js';
import type { SchemaFacts } from '../schema-facts.js';

/** One Fetch node of the plan, with everything execution needs read out of it once. */
export interface FetchStep {
  /** Position in the plan, depth first: the order errors are reported in within a wave. */
  readonly index: number;
  readonly serviceName: string;
  /** The enclosing Flatten's path ('@' for list elements); undefined for a fetch at the root. */
  readonly path: readonly string[] | undefined;
  /** The path as one string, to share the entities found at it between the fetches of a wave. */
  readonly pathKey: string;
  readonly requires: readonly RequiresSelection[] | undefined;
  readonly flatRequires: FlatRequires | undefined;
  readonly inputRewrites: readonly CompiledRewrite[];
  readonly outputRewrites: readonly CompiledRewrite[];
  readonly operation: string;
  readonly operationName: string | undefined;
  /** The operation and its name as JSON text, and `"name":` for each variable usage: request body pieces. */
  readonly queryJson: string;
  readonly operationNameJson: string | undefined;
  readonly variableKeys: readonly string[];
  /** The operation text without its name: fetches with equal signatures can share one request. */
  readonly signature: string;
  readonly variableUsages: readonly string[];
  /** Parsed without locations, which would keep every token of the text. */
  readonly document: DocumentNode;
  /** How many nodes the document has: what it weighs (plan-bytes.ts). */
  readonly documentNodes: number;
  /** Root response keys when the operation can be merged with others into one request. */
  readonly rootKeys: readonly string[] | undefined;
}

export type PlanTree =
  | { kind: 'fetch'; step: FetchStep }
  | { kind: 'sequence' | 'parallel'; nodes: PlanTree[] }
  | { kind: 'condition'; variable: string; ifClause: PlanTree | undefined; elseClause: PlanTree | undefined };

export interface CompiledPlan {
  kind: 'gatehouse';
  shape: ResponseShape;
  tree: PlanTree | undefined;
  steps: readonly FetchStep[];
  isMutation: boolean;
  /** The variables the plan's Condition nodes read; their values pick the schedule. */
  planConditions: readonly string[];
  /** Default values of the operation's variables, for conditions. */
  defaults: Readonly<Record<string, unknown>>;
  variableDefinitions: readonly VariableDefinitionNode[];
}

/** The plan is run by Apollo's executor instead, for this reason. */
export interface ApolloPlan {
  kind: 'apollo';
  reason: string;
}

class Unsupported extends Error {}

/**
 * Compiles an Apollo query plan and its operation for Gatehouse's executor, or decides, once per
 * plan, that Apollo's executor must run it: @defer, subscriptions, introspection, context rewrites,
 * and response keys that would clash with Object.prototype.
 */
export function compilePlan(
  queryPlan: QueryPlan,
  operation: Operation,
  variableDefinitions: readonly VariableDefinitionNode[],
  facts: SchemaFacts,
): CompiledPlan | ApolloPlan {
  try {
    if (operation.rootKind === 'subscription') throw new Unsupported('a subscription');
    const shape = compileResponseShape(operation, facts);
    if (shape.hasIntrospection) throw new Unsupported('introspection');
    const keys = new Set(shape.responseKeys);
    const steps: FetchStep[] = [];
    const planConditions: string[] = [];
    const tree = queryPlan.node
      ? compileNode(queryPlan.node, undefined, { facts, keys, steps, planConditions })
      : undefined;
    for (const key of keys) {
      if (key in Object.prototype) throw new Unsupported(`the response key "${key}"`);
    }
    const defaults: Record<string, unknown> = {};
    for (const { variable, defaultValue } of operation.variableDefinitions.definitions()) {
      if (defaultValue !== undefined) defaults[variable.name] = defaultValue;
    }
    return {
      kind: 'gatehouse',
      shape,
      tree,
      steps,
      isMutation: operation.rootKind === 'mutation',
      planConditions,
      defaults,
      variableDefinitions,
    };
  } catch (error) {
    if (error instanceof Unsupported) return { kind: 'apollo', reason: error.message };
    throw error;
  }
}

interface CompileContext {
  facts: SchemaFacts;
  keys: Set<string>;
  steps: FetchStep[];
  planConditions: string[];
}

function compileNode(
  node: PlanNode | SubscriptionNode,
  path: readonly string[] | undefined,
  context: CompileContext,
): PlanTree {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return {
        kind: node.kind === 'Sequence' ? 'sequence' : 'parallel',
        nodes: node.nodes.map((child) => compileNode(child, path, context)),
      };
    case 'Flatten': {
      if (node.node.kind !== 'Fetch') throw new Unsupported(`a Flatten around a ${node.node.kind} node`);
      const steps = node.path.map((step) => {
        if (typeof step !== 'string') throw new Unsupported('a numeric flatten path');
        if (step !== '@') context.keys.add(step);
        return step;
      });
      return compileNode(node.node, [...(path ?? []), ...steps], context);
    }
    case 'Fetch':
      return { kind: 'fetch', step: compileFetch(node, path, context) };
    case 'Condition': {
      if (!context.planConditions.includes(node.condition)) context.planConditions.push(node.condition);
      return {
        kind: 'condition',
        variable: node.condition,
        ifClause: node.ifClause ? compileNode(node.ifClause, path, context) : undefined,
        elseClause: node.elseClause ? compileNode(node.elseClause, path, context) : undefined,
      };
    }
    case 'Defer':
      throw new Unsupported('@defer');
    case 'Subscription':
      throw new Unsupported('a subscription');
  }
}

function compileFetch(
  node: FetchNode,
  path: readonly string[] | undefined,
  context: CompileContext,
): FetchStep {
  const { facts, keys } = context;
  if ((node.contextRewrites?.length ?? 0) > 0) throw new Unsupported('context rewrites');
  const variableUsages = node.variableUsages ?? [];
  if (node.requires && variableUsages.includes('representations')) {
    throw new Unsupported('a variable named "representations" in an entity fetch');
  }
  const inputRewrites = compileRewrites(node.inputRewrites, facts, keys);
  const outputRewrites = compileRewrites(node.outputRewrites, facts, keys);
  if (typeof inputRewrites === 'string') throw new Unsupported(inputRewrites);
  if (typeof outputRewrites === 'string') throw new Unsupported(outputRewrites);
  const document = parse(node.operation, { noLocation: true });
  // The subgraph answers with these keys; they are merged into the data as they come.
  let documentNodes = 0;
  visit(document, {
    enter(node) {
      documentNodes++;
      if (node.kind === Kind.FIELD) keys.add((node.alias ?? node.name).value);
    },
  });
  const requires = node.requires ? compileRequires(node.requires, facts, keys) : undefined;
  const step: FetchStep = {
    index: context.steps.length,
    serviceName: node.serviceName,
    path,
    pathKey: path ? path.join('.') : '',
    requires,
    flatRequires: requires ? flatRequires(requires) : undefined,
    inputRewrites,
    outputRewrites,
    operation: node.operation,
    operationName: node.operationName,
    queryJson: JSON.stringify(node.operation),
    operationNameJson: node.operationName === undefined ? undefined : JSON.stringify(node.operationName),
    variableKeys: variableUsages.map((name) => `${JSON.stringify(name)}:`),
    signature: signatureOf(document, node.operation),
    variableUsages,
    document,
    documentNodes,
    rootKeys: mergeableRootKeys(document),
  };
  context.steps.push(step);
  return step;
}

/**
 * The operation text with the operation's name cut out. The name is the token after the operation
 * keyword, which opens the text Apollo's planner prints. Should the text start otherwise, all of it
 * is the signature: the fetch then shares a request only with fetches of the very same text.
 */
function signatureOf(document: DocumentNode, operation: string): string {
  const definition = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (definition?.kind !== Kind.OPERATION_DEFINITION || !definition.name) return operation;
  const head = OPERATION_HEAD.exec(operation);
  if (head?.[1] !== definition.name.value) return operation;
  return operation.slice(0, head[0].length - head[1].length) + operation.slice(head[0].length);
}

const OPERATION_HEAD = /^[\s,]*(?:query|mutation|subscription)[\s,]+([_A-Za-z][_0-9A-Za-z]*)/;

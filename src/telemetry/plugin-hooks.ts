import type { GraphQLRequestListener } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeHooks, GatewayPlugin } from '../pipeline/plugin.js';
import type { GatehouseContext } from '../request-context.js';

/** The layers of a plugin whose hooks can refuse a request. */
export type RefusingLayer = 'onRequest' | 'beforeBody' | 'afterBody' | 'didResolveOperation';

/**
 * Watches one plugin hook run: `start` before it, and the function it returns after it (with the
 * error it threw, if any). Telemetry uses it to time the plugins that can refuse a request and to
 * say which one did.
 */
export type HookWatcher = (
  plugin: string,
  layer: RefusingLayer,
  request: FastifyRequest,
) => ((reply: FastifyReply | undefined, error: unknown) => void) | undefined;

type AnyHook = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The plugin with each hook that can refuse a request (its edge hooks up to the handler, and the
 * operation's `didResolveOperation`) wrapped by `watch`. Hooks keep their style: a hook that takes
 * Fastify's `done` callback still gets one, and an async hook's promise is passed on.
 */
export function watchPluginHooks(plugin: GatewayPlugin, watch: HookWatcher): GatewayPlugin {
  const edge = plugin.edge && watchEdge(plugin.name, plugin.edge, watch);
  const operation = plugin.operation && watchOperation(plugin.name, plugin.operation, watch);
  if (edge === plugin.edge && operation === plugin.operation) return plugin;
  return { ...plugin, ...(edge ? { edge } : {}), ...(operation ? { operation } : {}) };
}

function watchEdge(name: string, edge: EdgeHooks, watch: HookWatcher): EdgeHooks {
  const wrapped: Record<string, unknown> = { ...edge };
  for (const layer of ['onRequest', 'beforeBody', 'afterBody'] as const) {
    const hook = edge[layer] as AnyHook | undefined;
    if (hook !== undefined) wrapped[layer] = watchEdgeHook(name, layer, hook, watch);
  }
  return wrapped as EdgeHooks;
}

/**
 * Fastify hooks are `(request, reply, done)` or `(request, reply, payload, done)`, with `done` last;
 * an async hook returns a promise instead of calling `done`. The watcher hears of whichever ends it.
 */
function watchEdgeHook(name: string, layer: RefusingLayer, hook: AnyHook, watch: HookWatcher): AnyHook {
  return function watched(this: unknown, ...args: unknown[]) {
    const request = args[0] as FastifyRequest;
    const reply = args[1] as FastifyReply;
    const watcher = watch(name, layer, request);
    if (watcher === undefined) return hook.apply(this, args);
    let finished = false;
    const finish = (error: unknown) => {
      if (finished) return;
      finished = true;
      watcher(reply, error);
    };
    const done = args[args.length - 1] as (...a: unknown[]) => void;
    args[args.length - 1] = (error?: unknown, ...rest: unknown[]) => {
      finish(error);
      done(error, ...rest);
    };
    let result: unknown;
    try {
      result = hook.apply(this, args);
    } catch (error) {
      finish(error);
      throw error;
    }
    if (!isThenable(result)) {
      // A hook that answers the request itself (a refusal) sends the reply and never calls `done`.
      if (!finished) {
        if (reply.sent) finish(undefined);
        else reply.raw.once('close', () => finish(undefined));
      }
      return result;
    }
    return result.then(
      (value) => {
        finish(undefined);
        return value;
      },
      (error: unknown) => {
        finish(error);
        throw error;
      },
    );
  };
}

function watchOperation(
  name: string,
  operation: NonNullable<GatewayPlugin['operation']>,
  watch: HookWatcher,
): NonNullable<GatewayPlugin['operation']> {
  const { requestDidStart } = operation;
  if (requestDidStart === undefined) return operation;
  return {
    ...operation,
    async requestDidStart(requestContext) {
      const listener: GraphQLRequestListener<GatehouseContext> | void = await requestDidStart.call(
        operation,
        requestContext,
      );
      const didResolveOperation = listener?.didResolveOperation;
      if (!listener || didResolveOperation === undefined) return listener;
      return {
        ...listener,
        async didResolveOperation(context) {
          const request = context.contextValue.request;
          const finish = watch(name, 'didResolveOperation', request);
          try {
            await didResolveOperation.call(listener, context);
          } catch (error) {
            finish?.(undefined, error);
            throw error;
          }
          finish?.(undefined, undefined);
        },
      };
    },
  };
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The watchers as one, each told of every hook run in the given order; undefined when none is given. */
export function combineWatchers(...watchers: (HookWatcher | undefined | false)[]): HookWatcher | undefined {
  const given = watchers.filter((watcher): watcher is HookWatcher => typeof watcher === 'function');
  if (given.length <= 1) return given[0];
  // Every hook of every request runs through here: no arrays, and no closure unless both answer.
  return given.reduce((first, second) => (plugin, layer, request) => {
    const one = first(plugin, layer, request);
    const other = second(plugin, layer, request);
    if (one === undefined || other === undefined) return one ?? other;
    return (reply, error) => {
      one(reply, error);
      other(reply, error);
    };
  });
}

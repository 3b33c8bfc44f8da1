// Kept apart from cluster.ts so that a process can decide how to start without loading the gateway.

/**
 * V8 heap sizing for gateway processes (cluster workers, and the child process of `serve --workers 1`),
 * unless the operator set these flags (on the command line or in NODE_OPTIONS). A gateway process
 * allocates several hundred kilobytes per request that live for the request's few round trips. With V8's defaults on a machine with gigabytes of memory, the old generation may
 * grow to four times its live size between full collections (about 55 MiB live, 230 MiB committed
 * under the benchmark's load). A 1 GiB ceiling makes V8 grow it by at most 2× (measured: peak RSS
 * 350 → 250 MiB), and a 32 MiB young generation lets most of a request's objects die young instead of
 * being promoted, which pays for the extra full collections. A deployment whose workers need a larger
 * heap sets its own `--max-old-space-size` in NODE_OPTIONS.
 */
export const WORKER_V8_FLAGS: readonly string[] = ['--max-old-space-size=1024', '--max-semi-space-size=32'];

/** `execArgv` plus the worker heap flags that neither it nor NODE_OPTIONS already sets. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((arg) =>
    arg.split('=', 1)[0]?.replaceAll('_', '-'),
  );
  const added = WORKER_V8_FLAGS.filter((flag) => !given.includes(flag.split('=', 1)[0]));
  return [...execArgv, ...added];
}

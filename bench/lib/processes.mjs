// Child processes the harness starts and stops: the subgraphs and the contenders.
import { spawn } from 'node:child_process';
import { isAlive, processTree } from './proc.mjs';
import { ROOT, sleep } from './util.mjs';

const OUTPUT_TAIL_CHARS = 8000;

/** Processes this harness started and that have not exited yet. */
const liveProcesses = new Set();
process.on('exit', () => {
  for (const running of liveProcesses) running.child.kill('SIGKILL');
});

/** Spawns `command args` from the repository root, keeping the tail of its output. */
export function startProcess(label, command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const lineListeners = [];
  let pending = '';
  const keep = (text) => {
    output = (output + text).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString('utf8');
    keep(text);
    pending += text;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      for (const listener of lineListeners) listener(line);
    }
  });
  child.stderr.on('data', (chunk) => keep(chunk.toString('utf8')));
  let exitInfo = null;
  const exited = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolveExit(exitInfo);
    });
    child.once('error', (error) => {
      exitInfo = { code: null, signal: null, error: error.message };
      resolveExit(exitInfo);
    });
  });
  const running = {
    label,
    child,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    outputTail: () => output.trim().split('\n').slice(-25).join('\n'),
    /** Calls `listener` with each line of stdout. */
    onLine: (listener) => lineListeners.push(listener),
  };
  liveProcesses.add(running);
  void exited.then(() => liveProcesses.delete(running));
  return running;
}

/**
 * Resolves with the first JSON line of `running`'s stdout that has `ready: true`; null if the process exits
 * first, undefined after `timeoutMs`.
 */
export async function readyMessage(running, timeoutMs) {
  let readyTimer;
  const ready = await Promise.race([
    new Promise((resolveReady) =>
      running.onLine((line) => {
        try {
          const message = JSON.parse(line);
          if (message && message.ready) resolveReady(message);
        } catch {
          // not the ready line
        }
      }),
    ),
    running.exited.then(() => null),
    new Promise((resolveTimeout) => {
      readyTimer = setTimeout(() => resolveTimeout(undefined), timeoutMs);
    }),
  ]);
  clearTimeout(readyTimer);
  return ready;
}

export function describeExit(info) {
  if (!info) return 'running';
  if (info.error) return `failed to start: ${info.error}`;
  return info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`;
}

/** SIGTERM, then SIGKILL after 10 s; leftover descendants are killed by pid. */
export async function stopProcess(running) {
  if (!running || running.exitInfo) return;
  const descendants = [...processTree(running.child.pid).keys()].filter((pid) => pid !== running.child.pid);
  running.child.kill('SIGTERM');
  const killTimer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await running.exited;
  clearTimeout(killTimer);
  const deadline = Date.now() + 5_000;
  while (descendants.some(isAlive) && Date.now() < deadline) await sleep(100);
  for (const pid of descendants) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function stopAllProcesses() {
  return Promise.all([...liveProcesses].map(stopProcess));
}

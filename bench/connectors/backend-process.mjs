// The backend (backend.mjs) as a child process, and its call counters.
import { httpRequest } from '../lib/http.mjs';
import { describeExit, startProcess, stopProcess } from '../lib/processes.mjs';
import { fail, sleep } from '../lib/util.mjs';

const BACKEND_MAIN = 'bench/connectors/backend.mjs';
const READY_TIMEOUT_MS = 30_000;
/** Without load, the gateway has drained once the backend has had no call for this long. */
const QUIET_MS = 500;
const DRAIN_TIMEOUT_MS = 60_000;

/** The backend's first stdout line that is `{"ready":true,...}`; null if it exits first or times out. */
function readyMessage(running) {
  return new Promise((resolveReady) => {
    const timer = setTimeout(() => resolveReady(null), READY_TIMEOUT_MS);
    running.onLine((line) => {
      try {
        const message = JSON.parse(line);
        if (message?.ready) {
          clearTimeout(timer);
          resolveReady(message);
        }
      } catch {
        // not the ready line
      }
    });
    void running.exited.then(() => {
      clearTimeout(timer);
      resolveReady(null);
    });
  });
}

export async function startBackend(config) {
  const running = startProcess('backend', process.execPath, [BACKEND_MAIN, '--host', config.host], {
    ...process.env,
    NODE_ENV: 'production',
  });
  const ready = await readyMessage(running);
  if (!ready) {
    await stopProcess(running);
    fail(`the backend did not start (${describeExit(running.exitInfo)}):\n${running.outputTail()}`);
  }
  const { url } = ready;

  const endpoint = async (path, method) => {
    const { status, body } = await httpRequest(`${url}${path}`, { method });
    if (status !== 200) fail(`${method} ${url}${path} answered ${status}`);
    return JSON.parse(body);
  };
  /** Calls received since the last reset: { single, batch, rest, graphql }. */
  const counts = () => endpoint('/__count', 'GET');
  const reset = () => endpoint('/__reset', 'POST');
  const callsSoFar = async () => {
    const { rest, graphql } = await counts();
    return rest + graphql;
  };
  /** Waits until the backend has had no call for QUIET_MS: the gateway has drained. */
  const quiesce = async (label) => {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let previous = await callsSoFar();
    let stableSince = Date.now();
    while (Date.now() - stableSince < QUIET_MS) {
      if (Date.now() > deadline) fail(`contender ${label} kept calling the backend for 60 s without load`);
      await sleep(100);
      const current = await callsSoFar();
      if (current !== previous) {
        previous = current;
        stableSince = Date.now();
      }
    }
  };
  return { running, url, counts, reset, quiesce };
}

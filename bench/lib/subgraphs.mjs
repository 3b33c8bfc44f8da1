// The four benchmark subgraphs (dist/bench/subgraphs/main.js), in one process, and their request counters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { httpRequest } from './http.mjs';
import { describeExit, readyMessage, startProcess, stopProcess } from './processes.mjs';
import { fail, ROOT, sleep } from './util.mjs';

const SUBGRAPHS_MAIN = 'dist/bench/subgraphs/main.js';
const READY_TIMEOUT_MS = 30_000;
/** Without load, a gateway has drained once the subgraphs have had no request for this long. */
const QUIET_MS = 500;
const DRAIN_TIMEOUT_MS = 60_000;

export function assertSubgraphsBuilt() {
  if (!existsSync(join(ROOT, SUBGRAPHS_MAIN)))
    fail(`${SUBGRAPHS_MAIN} is missing: run \`npm run build\` first`);
}

/** The sum of the per-subgraph request counts. */
export function total(counts) {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** GET or POST one of a subgraph's counter endpoints; anything but 200 fails the run. */
async function counterEndpoint(graphqlUrl, path, method) {
  const url = `${graphqlUrl.replace(/\/graphql$/, '')}${path}`;
  const { status, body } = await httpRequest(url, { method });
  if (status !== 200) fail(`${method} ${url} answered ${status}`);
  return body;
}

export async function startSubgraphs(config) {
  const running = startProcess('subgraphs', process.execPath, [
    SUBGRAPHS_MAIN,
    '--base-port',
    String(config.subgraphBasePort),
    '--host',
    config.host,
    ...(config.subgraphResponseCache ? [] : ['--no-response-cache']),
  ]);
  const ready = await readyMessage(running, READY_TIMEOUT_MS);
  if (!ready) {
    await stopProcess(running);
    fail(
      `the subgraphs did not start (${ready === null ? describeExit(running.exitInfo) : 'no ready line after 30 s'}):\n${running.outputTail()}`,
    );
  }
  const urls = ready.subgraphs;

  const reset = async () => {
    await Promise.all(Object.values(urls).map((url) => counterEndpoint(url, '/__reset', 'POST')));
  };
  const counts = async () => {
    const entries = await Promise.all(
      Object.entries(urls).map(async ([name, url]) => [
        name,
        JSON.parse(await counterEndpoint(url, '/__count', 'GET')).count,
      ]),
    );
    return Object.fromEntries(entries);
  };
  /** Waits until the subgraphs have received no request for QUIET_MS: the gateway has drained. */
  const quiesce = async (label) => {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let previous = total(await counts());
    let stableSince = Date.now();
    while (Date.now() - stableSince < QUIET_MS) {
      if (Date.now() > deadline) fail(`contender ${label} kept calling the subgraphs for 60 s without load`);
      await sleep(100);
      const current = total(await counts());
      if (current !== previous) {
        previous = current;
        stableSince = Date.now();
      }
    }
  };
  return { running, urls, reset, counts, quiesce };
}

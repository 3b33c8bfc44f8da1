// One run of one contender: the gateway started fresh, checked, warmed up, measured and stopped.
import { freePort } from '../lib/http.mjs';
import { load, queryOnce } from '../lib/load.mjs';
import { startCpuMeter } from '../lib/proc.mjs';
import { describeExit, startProcess, stopProcess } from '../lib/processes.mjs';
import { round } from '../lib/stats.mjs';
import { BenchError, fail, log, sleep } from '../lib/util.mjs';
import { gatewayArgs, GATEWAY_ENV, writeGatewayConfig } from './contenders.mjs';
import { EXPECTED_BODY, QUERY } from './data.mjs';

/** The request autocannon sends, and `check(status, body)`: null when the body is EXPECTED_BODY. */
export const workload = {
  requestBody: JSON.stringify({ query: QUERY, operationName: 'ConnectorBench' }),
  check(status, body) {
    if (status !== 200) return `HTTP ${status}: ${String(body).slice(0, 300)}`;
    if (body === EXPECTED_BODY || body === `${EXPECTED_BODY}\n`) return null;
    const text = String(body);
    let at = 0;
    while (at < text.length && text[at] === EXPECTED_BODY[at]) at++;
    return (
      `wrong body at character ${at}:\n` +
      `  expected: …${JSON.stringify(EXPECTED_BODY.slice(Math.max(0, at - 60), at + 60))}\n` +
      `  got:      …${JSON.stringify(text.slice(Math.max(0, at - 60), at + 60))}`
    );
  },
};

async function waitUntilCorrect(running, url, timeoutSec) {
  const deadline = Date.now() + timeoutSec * 1000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (running.exitInfo) {
      fail(
        `${running.label} ${describeExit(running.exitInfo)} before it was ready:\n${running.outputTail()}`,
      );
    }
    try {
      const { status, body, problem } = await queryOnce(url, workload);
      if (!problem) return;
      last = problem;
      // 503 or errors only while the gateway loads: retry. Data that is wrong fails at once.
      if (status === 200 && !body.startsWith('{"errors"')) {
        fail(`${running.label} answered the first query wrongly: ${problem}`);
      }
    } catch (error) {
      if (error instanceof BenchError) throw error;
      last = error.message;
    }
    await sleep(200);
  }
  fail(
    `${running.label} did not answer correctly within ${timeoutSec} s (last: ${last}):\n${running.outputTail()}`,
  );
}

/** Backend calls per client request, over single requests sent one after the other. */
async function sequentialCalls(label, url, backend, probes) {
  await backend.reset();
  for (let probe = 0; probe < probes; probe++) {
    const { problem } = await queryOnce(url, workload);
    if (problem) fail(`${label}, sequential probe: ${problem}`);
  }
  const { rest, graphql } = await backend.counts();
  return { rest: rest / probes, graphql: graphql / probes };
}

export async function runContender({ contender, roundNumber, config, backend, tmpDir }) {
  const { label } = contender;
  const port = await freePort(config.host);
  const configFile = writeGatewayConfig(contender, tmpDir, backend.url);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}/graphql`;
  const loadOptions = (duration) => ({ url, duration, connections: config.connections, workload });

  log(`round ${roundNumber}, ${label}: starting the gateway on port ${port}`);
  const running = startProcess(
    label,
    process.execPath,
    gatewayArgs(configFile, { port, host: config.host }),
    {
      ...process.env,
      ...GATEWAY_ENV,
    },
  );
  try {
    await waitUntilCorrect(running, url, config.readyTimeoutSec);
    if (config.warmup > 0) await load(label, 'warm-up', loadOptions(config.warmup));

    // Requests abandoned by the warm-up finish first, so that their backend calls stay out of the window.
    await backend.quiesce(label);
    await backend.reset();
    const gatewayCpu = startCpuMeter(running.child.pid);
    const backendCpu = startCpuMeter(backend.running.child.pid);
    const result = await load(label, 'measured window', loadOptions(config.duration));
    const gatewayCpuMs = gatewayCpu();
    const backendCpuMs = backendCpu();
    // Requests in flight when the window closed still run to completion: count their backend calls, and
    // divide by the requests sent rather than those completed.
    await backend.quiesce(label);
    const calls = await backend.counts();
    const sent = Math.max(result.requests.sent, result.requests.total);
    const sequential = await sequentialCalls(label, url, backend, config.sequentialProbes);
    if (running.exitInfo) fail(`${label} ${describeExit(running.exitInfo)} during the run`);

    const requests = result.requests.total;
    const figures = {
      label,
      round: roundNumber,
      requests,
      requestsSent: sent,
      durationSec: result.duration,
      rps: round(requests / result.duration, 1),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      meanLatencyMs: result.latency.average,
      maxLatencyMs: result.latency.max,
      backendCallsPerRequest: round(calls.rest / sent, 3),
      backendCallsPerRequestSequential: round(sequential.rest, 3),
      graphqlSubgraphCallsPerRequest: round(calls.graphql / sent, 3),
      backendCalls: calls,
      gatewayCpuMsPerRequest: round(gatewayCpuMs / requests, 3),
      gatewayCpuPercent: round((gatewayCpuMs / (result.duration * 1000)) * 100, 1),
      backendCpuMsPerRequest: round(backendCpuMs / requests, 3),
      backendCpuPercent: round((backendCpuMs / (result.duration * 1000)) * 100, 1),
    };
    log(
      `round ${roundNumber}, ${label}: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ` +
        `${figures.backendCallsPerRequest} backend calls/req (sequential ${figures.backendCallsPerRequestSequential}), ` +
        `gateway ${figures.gatewayCpuMsPerRequest} CPU ms/req`,
    );
    return figures;
  } finally {
    await stopProcess(running);
  }
}
